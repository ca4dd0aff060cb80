package dev.pier.deploy.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.DeployerSpec;
import dev.pier.pipeline.Release;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON merge patch (RFC 7386) that points an Application's source at the release: Helm parameters
 * ({@code spec.source.helm.parameters}, {@code forceString} so a digest is never read as a number) or kustomize
 * images ({@code spec.source.kustomize.images}, {@code name=repo@sha256:…}). A merge patch replaces arrays whole,
 * so the patch carries the application's other entries unchanged.
 *
 * @param json    the patch
 * @param changes one line per value set, for the run log
 */
record SourcePatch(String json, List<String> changes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IllegalArgumentException when the application or the config does not fit the release */
    static SourcePatch of(DeployerSpec.ArgoCd spec, JsonNode source, Release release) {
        ObjectNode src = JSON.createObjectNode();
        List<String> changes = new ArrayList<>();
        if (spec.parameters() == DeployerSpec.ArgoCd.Parameters.HELM) {
            src.putObject("helm").set("parameters", helm(spec, source, release, changes));
        } else {
            src.putObject("kustomize").set("images", kustomize(spec, source, release, changes));
        }
        if (spec.chartRevision()) {
            if (release.chart() == null) {
                throw new IllegalArgumentException("chart_revision is set but the release has no chart");
            }
            src.put("targetRevision", release.chart().version());
            changes.add("targetRevision = " + release.chart().version());
        }
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("spec").set("source", src);
        return new SourcePatch(patch.toString(), changes);
    }

    private static ArrayNode helm(DeployerSpec.ArgoCd spec, JsonNode source, Release release, List<String> changes) {
        ArrayNode params = JSON.createArrayNode();
        source.path("helm").path("parameters").forEach(p -> params.add(p.deepCopy()));
        spec.imageValues().forEach((component, name) -> {
            String ref = ref(release, component);
            ObjectNode found = null;
            for (JsonNode p : params) {
                if (name.equals(p.path("name").asText(null))) {
                    found = (ObjectNode) p;
                }
            }
            if (found == null) {
                found = params.addObject().put("name", name);
            }
            found.put("value", ref).put("forceString", true);
            changes.add("helm parameter " + name + " = " + ref);
        });
        return params;
    }

    private static ArrayNode kustomize(DeployerSpec.ArgoCd spec, JsonNode source, Release release,
                                       List<String> changes) {
        Map<String, String> wanted = new LinkedHashMap<>();
        Iterable<String> components = spec.imageValues().isEmpty() ? release.images().keySet()
                : spec.imageValues().keySet();
        for (String c : components) {
            String ref = ref(release, c);
            String name = spec.imageValues().getOrDefault(c, repository(ref));
            String entry = name + "=" + ref;
            String before = wanted.putIfAbsent(name, entry);
            if (before != null && !before.equals(entry)) {
                throw new IllegalArgumentException("components map image " + name + " to two references; give each"
                        + " its own name in image_values");
            }
        }
        ArrayNode images = JSON.createArrayNode();
        source.path("kustomize").path("images").forEach(i -> {
            if (!wanted.containsKey(imageName(i.asText()))) {
                images.add(i.asText());
            }
        });
        wanted.values().forEach(e -> {
            images.add(e);
            changes.add("kustomize image " + e);
        });
        return images;
    }

    private static String ref(Release release, String component) {
        Release.ArtifactRef ref = release.images().get(component);
        if (ref == null) {
            throw new IllegalArgumentException("image_values names component '" + component + "', which the release"
                    + " does not have (it has " + release.images().keySet() + ")");
        }
        return ref.deploy();
    }

    /** The name a kustomize image override matches: before {@code =}, else the reference without tag or digest. */
    static String imageName(String entry) {
        int eq = entry.indexOf('=');
        return eq >= 0 ? entry.substring(0, eq) : repository(entry);
    }

    static String repository(String ref) {
        String r = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        return colon > slash ? r.substring(0, colon) : r;
    }
}

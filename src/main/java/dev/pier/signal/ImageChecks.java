package dev.pier.signal;

import static dev.pier.oci.Quote.quote;

import dev.pier.config.AppSpec;
import dev.pier.config.AppSpec.ComponentSpec;
import dev.pier.oci.Reference;
import dev.pier.pipeline.Release.ArtifactRef;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --images}: known components, required ones present, each a pinned, allowed reference. */
final class ImageChecks {

    private ImageChecks() {}

    /**
     * Component → image in the app's component order, defaults applied; partial when violations
     * were added. With no app (unknown), only the JSON and each reference's syntax are checked.
     */
    static Map<String, ArtifactRef> images(String json, AppSpec app, ReferencePolicy policy, List<Violation> out) {
        Map<String, String> named;
        if (json == null && app == null) {
            return Map.of(); // unknown app: whether images are required is unknown too
        } else if (json == null) {
            List<String> required = app.components().entrySet().stream()
                    .filter(e -> e.getValue().required()).map(Map.Entry::getKey).toList();
            if (!required.isEmpty()) {
                out.add(new Violation(ImagesJson.ARGUMENT, "required",
                        "is required: app '" + app.name() + "' needs " + Names.list(required)));
                return Map.of();
            }
            named = Map.of();
        } else {
            try {
                named = ImagesJson.parse(json);
            } catch (InvalidSignalException e) {
                out.addAll(e.violations());
                return Map.of();
            }
        }
        Map<String, ArtifactRef> given = new LinkedHashMap<>();
        named.forEach((component, value) -> {
            ComponentSpec spec = app == null ? null : app.components().get(component);
            if (app != null && spec == null) {
                out.add(new Violation(ImagesJson.ARGUMENT, "unknown-component", "unknown component " + quote(component)
                        + " (known: " + Names.list(app.components().keySet()) + ")"));
                return;
            }
            ArtifactRef image = image(Names.imageArgument(component), value, spec, policy, out);
            if (image != null) {
                given.put(component, image);
            }
        });
        return app == null ? given : inComponentOrder(app, named.keySet(), given, out);
    }

    private static ArtifactRef image(
            String argument, String value, ComponentSpec spec, ReferencePolicy policy, List<Violation> out) {
        if (value.isEmpty()) {
            out.add(new Violation(argument, "empty", "must not be empty; give a full image reference"));
            return null;
        }
        Reference reference = ReferenceArguments.parse(argument, value, false, out);
        if (reference == null) {
            return null;
        }
        int before = out.size();
        if (!reference.hasTag() && !reference.hasDigest()) {
            out.add(new Violation(argument, "unpinned",
                    "must name a tag or a sha256 digest, e.g. ghcr.io/org/app/api:abcdef123456"));
        }
        if (policy != null) {
            out.addAll(policy.check(argument, reference, spec == null ? null : spec.repository()));
        }
        if (out.size() != before) {
            return null;
        }
        return new ArtifactRef(value, value, reference.hasDigest() ? reference.digest().toString() : null, null);
    }

    private static Map<String, ArtifactRef> inComponentOrder(
            AppSpec app, Set<String> named, Map<String, ArtifactRef> given, List<Violation> out) {
        Map<String, ArtifactRef> images = new LinkedHashMap<>();
        app.components().forEach((component, spec) -> {
            if (given.containsKey(component)) {
                images.put(component, given.get(component));
            } else if (named.contains(component)) {
                return; // named but refused: already reported
            } else if (spec.required()) {
                out.add(new Violation("--images." + component, "missing-component",
                        "required component " + quote(component) + " is missing"));
            } else {
                String source = defaultSource(app, component, named);
                ArtifactRef from = source == null ? null : given.get(source);
                if (from != null) {
                    images.put(component, new ArtifactRef(from.given(), from.deploy(), from.digest(), source));
                }
            }
        });
        return images;
    }

    /**
     * Follows {@code defaultsTo} until it reaches a component the signal named (worker → api);
     * null when the chain ends, loops, or leaves the app.
     */
    private static String defaultSource(AppSpec app, String component, Set<String> named) {
        Set<String> seen = new HashSet<>(Set.of(component));
        String next = app.components().get(component).defaultsTo();
        while (next != null && seen.add(next) && app.components().containsKey(next)) {
            if (named.contains(next)) {
                return next;
            }
            next = app.components().get(next).defaultsTo();
        }
        return null;
    }
}

package dev.pier.deploy.compose;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.pier.config.ComposeSettings;
import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.Reference;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders compose templates with jmustache, strictly: a variable the model lacks fails the deploy naming the
 * template, line and variable (an empty image would deploy the wrong thing quietly). The model holds no secret:
 * rendered files are kept on the server. Images are pinned by digest, {@code repo@sha256:…}, or the deploy fails.
 */
public final class ComposeTemplates {

    private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false);

    private ComposeTemplates() {}

    /** A template that cannot be read, parsed or rendered, or an image without a digest. */
    public static final class RenderException extends Exception {
        public RenderException(String message) {
            super(message);
        }
    }

    /**
     * {@code app}, {@code env}, {@code run_id}, {@code project}, {@code remote_dir}, {@code release_dir},
     * {@code images.<component>}, {@code bundle} (when the release has one), every variable, and each
     * {@code image_values} variable.
     */
    public static Map<String, Object> model(DeployRequest request, ComposeSettings spec, String releaseDir)
            throws RenderException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", request.app());
        m.put("env", request.environment().name());
        m.put("run_id", request.runId());
        m.put("project", spec.project());
        m.put("remote_dir", spec.remoteDir());
        m.put("release_dir", releaseDir);
        Map<String, Object> images = new LinkedHashMap<>();
        for (var e : request.release().images().entrySet()) {
            images.put(e.getKey(), pinned(e.getKey(), e.getValue()));
        }
        m.put("images", images);
        if (request.release().bundle() != null) {
            m.put("bundle", request.release().bundle().deploy());
        }
        m.putAll(spec.variables());
        for (var e : spec.imageValues().entrySet()) {
            Object ref = images.get(e.getKey());
            if (ref == null) {
                throw new RenderException("image_values names component '" + e.getKey() + "', which the release does"
                        + " not have (it has " + images.keySet() + ")");
            }
            m.put(e.getValue(), ref);
        }
        return m;
    }

    /** {@code repo@sha256:…}: the pinned reference, or an as-given one that names a digest (its tag dropped). */
    static String pinned(String component, Release.ArtifactRef ref) throws RenderException {
        String text = ref.digest() != null ? ref.deploy() : ref.given();
        try {
            Reference r = Reference.parse(text);
            if (r.hasDigest()) {
                return r.hasTag() ? r.withDigest(r.digest()).toString() : r.toString();
            }
        } catch (InvalidReferenceException e) {
            throw new RenderException("images." + component + ": " + e.getMessage());
        }
        throw new RenderException("compose-ssh deploys images by digest only, but images." + component + " is '" + text
                + "': use pin: digest (the default), or signal it as repository@sha256:…");
    }

    /** Reads a template from {@code dir}, refusing paths that leave it and links. */
    public static String read(Path dir, String template) throws RenderException {
        Path file = dir.resolve(template).normalize();
        if (!file.startsWith(dir.normalize())) {
            throw new RenderException("template " + template + " is outside " + dir);
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new RenderException("template " + template + " is not a file in " + dir);
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RenderException("cannot read template " + file + ": " + e.getMessage());
        }
    }

    public static String render(String name, String template, Map<String, Object> model) throws RenderException {
        try {
            return COMPILER.compile(template).execute(model);
        } catch (MustacheException.Context e) {
            throw new RenderException("compose template " + name + " line " + e.lineNo + " uses {{" + e.key
                    + "}}, which is not defined (defined: " + String.join(", ", names(model)) + ")");
        } catch (MustacheException e) {
            throw new RenderException("compose template " + name + " is not valid Mustache: " + e.getMessage());
        }
    }

    /** Renders every template of {@code spec}: rendered file name → content, in {@code -f} order. */
    public static Map<String, String> renderAll(ComposeSettings spec, Path templateDir, Map<String, Object> model)
            throws RenderException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : spec.templates()) {
            out.put(ComposeSettings.renderedName(t), render(t, read(templateDir, t), model));
        }
        return out;
    }

    private static TreeSet<String> names(Map<String, Object> model) {
        TreeSet<String> out = new TreeSet<>();
        model.forEach((k, v) -> {
            if (v instanceof Map<?, ?> inner) {
                inner.keySet().forEach(ik -> out.add(k + "." + ik));
            } else {
                out.add(k);
            }
        });
        return out;
    }
}

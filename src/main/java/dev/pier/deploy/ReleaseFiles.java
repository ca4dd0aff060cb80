package dev.pier.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files every deployer writes into the run's work directory before it runs anything:
 * {@code release.json} (what is being deployed) and {@code values.yaml} (image values, Helm style).
 */
public final class ReleaseFiles {

    public static final String RELEASE_FILE = "release.json";
    public static final String VALUES_FILE = "values.yaml";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(
            new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private ReleaseFiles() {}

    public static Path releaseFile(DeployRequest request) {
        return request.workDir().resolve(RELEASE_FILE);
    }

    public static Path valuesFile(DeployRequest request) {
        return request.workDir().resolve(VALUES_FILE);
    }

    /** Writes both files, mode 0600. */
    public static void write(DeployRequest request, Map<String, String> imageValues) throws IOException {
        Files.createDirectories(request.workDir());
        writePrivate(releaseFile(request), JSON.writeValueAsBytes(releaseJson(request)));
        writePrivate(valuesFile(request), YAML.writeValueAsBytes(imageValues(request.release(), imageValues)));
    }

    /** The release as {@code release.json} holds it. */
    public static Map<String, Object> releaseJson(DeployRequest request) {
        Release r = request.release();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", request.runId());
        m.put("app", request.app());
        m.put("environment", request.environment().name());
        if (r.chart() != null) {
            m.put("chart", nonNull("repository", r.chart().repository(), "version", r.chart().version(),
                    "digest", r.chart().digest()));
        }
        if (r.bundle() != null) {
            m.put("bundle", artifact(r.bundle()));
        }
        Map<String, Object> images = new LinkedHashMap<>();
        r.images().forEach((c, ref) -> images.put(c, artifact(ref)));
        m.put("images", images);
        return m;
    }

    /**
     * Nested values: {@code api.image} → {@code {api: {image: ref}}}. A {@code \.} keeps a dot inside a key,
     * as in Helm's {@code --set}.
     *
     * @throws IllegalArgumentException for a component the release lacks or paths that collide
     */
    public static Map<String, Object> imageValues(Release release, Map<String, String> imageValues) {
        Map<String, Object> root = new LinkedHashMap<>();
        imageValues.forEach((component, path) -> {
            Release.ArtifactRef ref = release.images().get(component);
            if (ref == null) {
                throw new IllegalArgumentException("imageValues names component '" + component
                        + "', which the release does not have (it has " + release.images().keySet() + ")");
            }
            List<String> keys = splitPath(path);
            Map<String, Object> node = root;
            for (String key : keys.subList(0, keys.size() - 1)) {
                Object next = node.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
                if (!(next instanceof Map<?, ?>)) {
                    throw new IllegalArgumentException("image value path '" + path
                            + "' runs through a value set by another path");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> inner = (Map<String, Object>) next;
                node = inner;
            }
            String leaf = keys.get(keys.size() - 1);
            if (node.containsKey(leaf)) {
                throw new IllegalArgumentException("image value path '" + path + "' collides with another path");
            }
            node.put(leaf, ref.deploy());
        });
        return root;
    }

    static List<String> splitPath(String path) {
        if (path.contains("[") || path.contains("]")) {
            throw new IllegalArgumentException("image value path '" + path + "': list indexes are not supported");
        }
        List<String> keys = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length() && path.charAt(i + 1) == '.') {
                key.append('.');
                i++;
            } else if (c == '.') {
                keys.add(key.toString());
                key.setLength(0);
            } else {
                key.append(c);
            }
        }
        keys.add(key.toString());
        if (keys.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("image value path '" + path + "' has an empty key");
        }
        return keys;
    }

    private static Map<String, Object> artifact(Release.ArtifactRef ref) {
        return nonNull("given", ref.given(), "deploy", ref.deploy(), "digest", ref.digest(),
                "defaulted_from", ref.defaultedFrom());
    }

    private static Map<String, Object> nonNull(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        // Created 0600 so there is no moment at which another user could read it.
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.write(file, content, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
}

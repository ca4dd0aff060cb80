package dev.pier.oci.artifact;

import static dev.pier.oci.OciException.tried;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.oci.ContentStore;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Pushes a directory as a Flux artifact and a packaged chart as a Helm OCI chart. Each manifest is
 * serialised once and its bytes are what is stored, so the returned digest is the digest of those bytes.
 */
public final class ArtifactPusher {

    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);
    /** Chart.yaml is read whole; a larger one is refused. */
    static final int MAX_CHART_YAML = 1024 * 1024;
    /** Helm's Chart.yaml fields, in the order Helm writes its config. */
    static final List<String> CHART_FIELDS = List.of("name", "home", "sources", "version", "description", "keywords",
            "maintainers", "icon", "apiVersion", "condition", "tags", "appVersion", "deprecated", "annotations",
            "kubeVersion", "dependencies", "type");

    private ArtifactPusher() {}

    /**
     * Packs {@code dir} reproducibly (Flux's default ignores plus its {@code .sourceignore}) and pushes it
     * as a Flux artifact under {@code tag}. Returns the manifest's descriptor (annotations: the manifest's).
     */
    public static Descriptor pushDirectory(ContentStore store, String repository, String tag, Path dir,
                                           ArtifactMetadata meta) throws IOException {
        return pushDirectory(store, repository, tag, dir, meta, null);
    }

    /** As above, with explicit ignore rules ({@code null}: Flux's defaults plus {@code dir/.sourceignore}). */
    public static Descriptor pushDirectory(ContentStore store, String repository, String tag, Path dir,
                                           ArtifactMetadata meta, IgnoreRules ignore) throws IOException {
        String action = "push artifact " + repository + ":" + tag + " from " + dir;
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw tried(action, dir + " is not a directory");
        }
        Path layer = Files.createTempFile("pier-artifact", ".tar.gz");
        try {
            MessageDigest sha = sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(layer), sha)) {
                ReproducibleTarGz.write(dir, ignore == null ? IgnoreRules.forDirectory(dir) : ignore, out);
            }
            Digest layerDigest = new Digest(Digest.SHA256, HexFormat.of().formatHex(sha.digest()));
            long layerSize = Files.size(layer);
            Digest configDigest = digest(EMPTY_CONFIG);
            store.putBlob(repository, configDigest, EMPTY_CONFIG.length, new ByteArrayInputStream(EMPTY_CONFIG));
            try (InputStream in = Files.newInputStream(layer)) {
                store.putBlob(repository, layerDigest, layerSize, in);
            }
            Map<String, String> annotations = meta.manifestAnnotations();
            byte[] manifest = manifest(MediaTypes.FLUX_CONFIG, configDigest, EMPTY_CONFIG.length,
                    MediaTypes.FLUX_CONTENT, layerDigest, layerSize, annotations);
            return put(store, repository, tag, manifest, annotations, action);
        } finally {
            Files.deleteIfExists(layer);
        }
    }

    /**
     * Pushes a packaged chart ({@code .tgz}, bytes unchanged) with Helm's OCI media types; the config is the
     * chart's Chart.yaml as JSON. {@code tag} null means the chart version ('+' written as '_', as Helm does).
     */
    public static Descriptor pushChart(ContentStore store, String repository, String tag, Path chartTgz)
            throws IOException {
        String action = "push chart " + chartTgz + " to " + repository + (tag == null ? "" : ":" + tag);
        if (!Files.isRegularFile(chartTgz, LinkOption.NOFOLLOW_LINKS)) {
            throw tried(action, chartTgz + " is not a file");
        }
        ObjectNode chart = chartMetadata(chartTgz, action);
        String version = chart.path("version").asText();
        String resolvedTag = tag == null ? version.replace('+', '_') : tag;
        byte[] config = JSON.writeValueAsBytes(chart);
        Digest configDigest = digest(config);
        long chartSize = Files.size(chartTgz);
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(chartTgz)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
            }
        }
        Digest chartDigest = new Digest(Digest.SHA256, HexFormat.of().formatHex(sha.digest()));
        store.putBlob(repository, configDigest, config.length, new ByteArrayInputStream(config));
        try (InputStream in = Files.newInputStream(chartTgz)) {
            store.putBlob(repository, chartDigest, chartSize, in);
        }
        Map<String, String> annotations = new TreeMap<>();
        annotations.put(MediaTypes.TITLE, chart.path("name").asText());
        annotations.put(MediaTypes.VERSION, version);
        if (chart.hasNonNull("description")) {
            annotations.put(MediaTypes.DESCRIPTION, chart.path("description").asText());
        }
        byte[] manifest = manifest(MediaTypes.HELM_CONFIG, configDigest, config.length,
                MediaTypes.HELM_CHART, chartDigest, chartSize, annotations);
        return put(store, repository, resolvedTag, manifest, annotations,
                "push chart " + chartTgz + " to " + repository + ":" + resolvedTag);
    }

    /** Reads {@code <chart>/Chart.yaml} from a packaged chart and returns Helm's config JSON for it. */
    static ObjectNode chartMetadata(Path chartTgz, String action) throws IOException {
        byte[] yaml = null;
        // java.util.zip: commons-compress 1.28 refuses the gzip extra field 'helm package' writes (see SafeExtractor).
        try (InputStream file = Files.newInputStream(chartTgz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String[] parts = entry.getName().split("/");
                if (entry.isFile() && parts.length == 2 && parts[1].equals("Chart.yaml")) {
                    if (entry.getSize() > MAX_CHART_YAML) {
                        throw tried(action, "its Chart.yaml is " + entry.getSize() + " bytes; at most "
                                + MAX_CHART_YAML + " are read");
                    }
                    yaml = tar.readNBytes(MAX_CHART_YAML);
                    break;
                }
            }
        } catch (OciException e) {
            throw e;
        } catch (IOException e) {
            throw tried(action, "it is not a gzip-compressed tar archive: " + e.getMessage(), e);
        }
        if (yaml == null) {
            throw tried(action, "it has no <chart>/Chart.yaml: is it a chart packaged by 'helm package'?");
        }
        JsonNode parsed;
        try {
            parsed = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw tried(action, "its Chart.yaml is not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (parsed == null || !parsed.isObject()) {
            throw tried(action, "its Chart.yaml is not a mapping");
        }
        for (String required : List.of("apiVersion", "name", "version")) {
            if (!parsed.hasNonNull(required) || parsed.path(required).asText().isBlank()) {
                throw tried(action, "its Chart.yaml has no " + required);
            }
        }
        ObjectNode config = JSON.createObjectNode();
        for (String field : CHART_FIELDS) {
            JsonNode value = parsed.get(field);
            if (value != null && !value.isNull() && !(value.isContainerNode() && value.isEmpty())
                    && !(value.isTextual() && value.asText().isEmpty()) && !(value.isBoolean() && !value.asBoolean())) {
                config.set(field, value);
            }
        }
        return config;
    }

    static byte[] manifest(String configType, Digest config, long configSize, String layerType, Digest layer,
                           long layerSize, Map<String, String> annotations) throws JsonProcessingException {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.put("config", descriptor(configType, config, configSize));
        manifest.put("layers", List.of(descriptor(layerType, layer, layerSize)));
        manifest.put("annotations", new TreeMap<>(annotations));
        return JSON.writeValueAsBytes(manifest);
    }

    private static Map<String, Object> descriptor(String mediaType, Digest digest, long size) {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("size", size);
        descriptor.put("digest", digest.toString());
        return descriptor;
    }

    private static Descriptor put(ContentStore store, String repository, String tag, byte[] manifest,
                                  Map<String, String> annotations, String action) throws IOException {
        if (manifest.length > Manifest.MAX_BYTES) {
            throw tried(action, "its manifest would be " + manifest.length + " bytes; at most " + Manifest.MAX_BYTES
                    + " are allowed (are the annotations too large?)");
        }
        Digest digest = store.putManifest(repository, tag, manifest, MediaTypes.OCI_MANIFEST);
        Digest expected = digest(manifest);
        if (!digest.equals(expected)) {
            throw tried(action, "the store answered digest " + digest + " for a manifest whose digest is " + expected);
        }
        return new Descriptor(MediaTypes.OCI_MANIFEST, digest, manifest.length, null, annotations);
    }

    static Digest digest(byte[] bytes) {
        return new Digest(Digest.SHA256, HexFormat.of().formatHex(sha256().digest(bytes)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

}

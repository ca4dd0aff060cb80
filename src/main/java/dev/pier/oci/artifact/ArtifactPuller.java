package dev.pier.oci.artifact;

import static dev.pier.oci.OciException.tried;
import static dev.pier.oci.Quote.quote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.oci.ContentStore;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Pulls a Flux artifact or a Helm chart and extracts its one layer safely ({@link SafeExtractor}). The layer
 * streams from the store straight into the extractor; its digest is checked by the store and again by the
 * extractor, and the target only appears once everything has been verified.
 */
public final class ArtifactPuller {

    static final Set<String> CONFIGS = Set.of(MediaTypes.FLUX_CONFIG, MediaTypes.HELM_CONFIG);
    static final Set<String> LAYERS = Set.of(MediaTypes.FLUX_CONTENT, MediaTypes.HELM_CHART);

    /** What was pulled: the manifest's descriptor, its config type and annotations, and the extracted tree. */
    public record PulledArtifact(Descriptor manifest, String configMediaType, Map<String, String> annotations,
                                 Descriptor layer, SafeExtractor.Result content) {}

    private ArtifactPuller() {}

    public static PulledArtifact pull(ContentStore store, String repository, String tagOrDigest, Path targetDir,
                                      ExtractionLimits limits) throws IOException {
        String action = "pull " + repository + (tagOrDigest.contains(":") ? "@" : ":") + tagOrDigest + " to " + targetDir;
        Manifest manifest = store.manifest(repository, tagOrDigest);
        Parsed parsed = parse(manifest, limits, action);
        SafeExtractor.Result content = stream(store, repository, parsed.layer(), action,
                in -> SafeExtractor.extract(in, targetDir, limits, parsed.layer()));
        return new PulledArtifact(Descriptor.of(manifest.mediaType(), manifest.digest(), manifest.bytes().length),
                parsed.configType(), parsed.annotations(), parsed.layer(), content);
    }

    /** Saves a Helm chart's layer, the packaged {@code .tgz} exactly as pushed, to {@code chartFile}. */
    public static Descriptor pullChart(ContentStore store, String repository, String tagOrDigest, Path chartFile,
                                       ExtractionLimits limits) throws IOException {
        String action = "pull chart " + repository + (tagOrDigest.contains(":") ? "@" : ":") + tagOrDigest
                + " to " + chartFile;
        Manifest manifest = store.manifest(repository, tagOrDigest);
        Parsed parsed = parse(manifest, limits, action);
        if (!MediaTypes.HELM_CHART.equals(parsed.layer().mediaType())) {
            throw tried(action, "it is not a Helm chart: its layer is " + quote(parsed.layer().mediaType()));
        }
        Path target = chartFile.toAbsolutePath().normalize();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw tried(action, "the file already exists");
        }
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                store.blob(repository, parsed.layer().digest(), parsed.layer().size(), out);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return parsed.layer();
    }

    private record Parsed(String configType, Descriptor layer, Map<String, String> annotations) {}

    private static Parsed parse(Manifest manifest, ExtractionLimits limits, String action) throws OciException {
        JsonNode json;
        try {
            json = ArtifactPusher.JSON.readTree(manifest.bytes());
        } catch (IOException e) {
            throw tried(action, "the manifest is not valid JSON", e);
        }
        if (!MediaTypes.OCI_MANIFEST.equals(manifest.mediaType())) {
            throw tried(action, "the manifest is " + quote(manifest.mediaType()) + ", not an OCI image manifest");
        }
        String configType = json.path("config").path("mediaType").asText("");
        if (!CONFIGS.contains(configType)) {
            throw tried(action, "its config media type " + quote(configType) + " is neither a Flux artifact's nor a Helm chart's");
        }
        JsonNode layers = json.path("layers");
        if (!layers.isArray() || layers.size() != 1) {
            throw tried(action, "it has " + layers.size() + " layers; a Flux artifact or Helm chart has exactly one");
        }
        JsonNode layer = layers.get(0);
        String layerType = layer.path("mediaType").asText("");
        if (!LAYERS.contains(layerType)) {
            throw tried(action, "its layer media type " + quote(layerType) + " is not one Pier extracts");
        }
        Digest digest;
        try {
            digest = Digest.parse(layer.path("digest").asText(""));
        } catch (InvalidReferenceException e) {
            throw tried(action, "its layer digest is not valid: " + e.getMessage());
        }
        long size = layer.path("size").asLong(-1);
        if (size < 0) {
            throw tried(action, "its layer has no valid size");
        }
        if (size > limits.maxTotalBytes()) {
            throw tried(action, "its layer is " + size + " bytes, more than the " + limits.maxTotalBytes() + " allowed");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        json.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return new Parsed(configType, Descriptor.of(layerType, digest, size), annotations);
    }

    private interface Consumer<T> {
        T accept(InputStream in) throws IOException;
    }

    /** Streams a blob through a pipe: the store writes on a virtual thread while {@code consumer} reads. */
    private static <T> T stream(ContentStore store, String repository, Descriptor blob, String action,
                                Consumer<T> consumer) throws IOException {
        BlobPipe.Outcome<T> outcome;
        try {
            outcome = BlobPipe.run("pier-pull-" + blob.digest().hex().substring(0, 12),
                    out -> store.blob(repository, blob.digest(), blob.size(), out), consumer::accept);
        } catch (IOException e) {
            // The store's reason (e.g. a corrupt blob) is more precise than what the reader made of it.
            OciException storeFailure = storeFailure(e, blob);
            if (storeFailure != null) {
                throw tried(action, storeFailure.getMessage(), e);
            }
            throw e;
        }
        if (outcome.writerFailure() != null) {
            throw tried(action, outcome.writerFailure().getMessage(), outcome.writerFailure());
        }
        return outcome.result();
    }

    private static OciException storeFailure(IOException e, Descriptor blob) {
        String blobAction = "tried to read blob ";
        if (e instanceof OciException oci && oci.getMessage().startsWith(blobAction)) {
            return oci;
        }
        for (Throwable suppressed : e.getSuppressed()) {
            if (suppressed instanceof OciException oci) {
                return oci;
            }
        }
        return null;
    }
}

package dev.pier.oci.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import dev.pier.oci.artifact.ArtifactMetadata;
import dev.pier.oci.artifact.ArtifactPuller;
import dev.pier.oci.artifact.ArtifactPusher;
import dev.pier.oci.artifact.ExtractionLimits;
import dev.pier.oci.artifact.MediaTypes;
import dev.pier.oci.registry.RegistryClient;
import dev.pier.oci.registry.RegistryEndpoint;
import dev.pier.oci.registry.RegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.Layer;
import land.oras.LocalPath;
import land.oras.Registry;
import land.oras.utils.ArchiveUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a real peer: the ORAS Java SDK ({@code land.oras:oras-java-sdk}), ORAS's own registry client,
 * talking plain HTTP to Debian's {@code docker-registry} on loopback. ORAS reads what Pier pushed, and Pier
 * reads what ORAS pushed; both sides go through the registry only.
 *
 * <p>ORAS runs its layer transfers on an executor whose threads are not daemons: the test gives it its own
 * executor and shuts it down after the class, so the test JVM can exit. ORAS writes its temporary files with
 * {@code Files.createTempFile} into {@code java.io.tmpdir}, and its API has no way to point them at a
 * {@code @TempDir}. The ones its helpers hand back (tar, compress, uncompress) are deleted here; but
 * {@code pushArtifact} copies every file layer to an {@code oras*layer} temp file that it never deletes
 * (0.7.0); an {@code @AfterAll} removes the ones written during this class's run.
 */
class OrasInteropTest {

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.anonymous();

    static final ObjectMapper JSON = new ObjectMapper();
    static final ArtifactMetadata META = ArtifactMetadata.of("https://github.com/acme/app", "main",
            "0123456789abcdef0123456789abcdef01234567", Instant.parse("2026-01-02T03:04:05Z"));
    /** ORAS's media type for a gzip-compressed tar, used only to tell its helpers how to (un)compress. */
    static final String OCI_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    static ExecutorService orasExecutor;
    static Registry oras;
    static RegistryClient pier;

    @BeforeAll
    static void clients() {
        orasExecutor = Executors.newFixedThreadPool(2);
        oras = Registry.builder().insecure(REGISTRY.host()).withExecutorService(orasExecutor).build();
        pier = RegistryClient.builder(RegistryEndpoint.loopbackHttp(REGISTRY.host())).build();
    }

    private static final java.time.Instant STARTED = java.time.Instant.now().minusSeconds(1);

    @AfterAll
    static void removeOrasTempFiles() throws java.io.IOException {
        // ORAS 0.7.0 cannot be pointed at a test directory; remove the layer files it left in this run.
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var files = java.nio.file.Files.newDirectoryStream(tmp, "oras*layer")) {
            for (Path f : files) {
                if (java.nio.file.Files.getLastModifiedTime(f).toInstant().isAfter(STARTED)) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        }
    }

    @AfterAll
    static void stopClients() throws InterruptedException {
        if (pier != null) {
            pier.close();
        }
        if (orasExecutor != null) {
            orasExecutor.shutdownNow();
            assertThat(orasExecutor.awaitTermination(30, TimeUnit.SECONDS))
                    .as("ORAS's transfer executor stopped").isTrue();
        }
    }

    private static ContainerRef ref(String repositoryAndTag) {
        return ContainerRef.parse(REGISTRY.host() + "/" + repositoryAndTag);
    }

    @Test
    void oras_reads_the_exact_manifest_and_layer_of_a_directory_pier_pushed(@TempDir Path tmp) throws Exception {
        Path source = InteropFiles.sampleTree(tmp.resolve("src"));
        Descriptor pushed = ArtifactPusher.pushDirectory(pier, "acme/pier-pushed", "v1", source, META);
        byte[] pierBytes = pier.manifest("acme/pier-pushed", "v1").bytes();
        JsonNode pierLayer = JSON.readTree(pierBytes).path("layers").get(0);

        land.oras.Descriptor orasView = oras.getDescriptor(ref("acme/pier-pushed:v1"));
        assertThat(orasView.getJson()).as("manifest bytes as ORAS received them")
                .isEqualTo(new String(pierBytes, StandardCharsets.UTF_8));
        assertThat(orasView.getMediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");

        land.oras.Manifest manifest = oras.getManifest(ref("acme/pier-pushed:v1"));
        assertThat(manifest.getDigest()).isEqualTo(pushed.digest().toString());
        assertThat(manifest.getConfig().getMediaType()).isEqualTo("application/vnd.cncf.flux.config.v1+json");
        assertThat(manifest.getAnnotations())
                .containsEntry("org.opencontainers.image.source", "https://github.com/acme/app")
                .containsEntry("org.opencontainers.image.revision", "main@sha1:0123456789abcdef0123456789abcdef01234567")
                .containsEntry("org.opencontainers.image.created", "2026-01-02T03:04:05Z");
        assertThat(manifest.getLayers()).hasSize(1);
        Layer layer = manifest.getLayers().getFirst();
        assertThat(layer.getMediaType()).isEqualTo("application/vnd.cncf.flux.content.v1.tar+gzip");
        assertThat(layer.getDigest()).isEqualTo(pierLayer.path("digest").asText());
        assertThat(layer.getSize()).isEqualTo(pierLayer.path("size").asLong());

        Path blob = tmp.resolve("layer.tar.gz");
        oras.fetchBlob(ref("acme/pier-pushed:v1").withDigest(layer.getDigest()), blob);
        assertThat(InteropFiles.sha256(blob)).isEqualTo(layer.getDigest());
        assertThat(Files.size(blob)).isEqualTo(layer.getSize());

        Path extracted = Files.createDirectories(tmp.resolve("extracted-by-oras"));
        LocalPath tar;
        try (InputStream in = Files.newInputStream(blob)) {
            tar = ArchiveUtils.uncompress(in, OCI_TAR_GZIP);
        }
        try {
            ArchiveUtils.untar(tar.getPath(), extracted);
        } finally {
            Files.deleteIfExists(tar.getPath());
        }
        assertThat(InteropFiles.snapshot(extracted)).isEqualTo(InteropFiles.snapshot(source));
    }

    @Test
    void pier_pulls_and_extracts_a_flux_artifact_that_oras_packed_and_pushed(@TempDir Path tmp) throws Exception {
        Path source = InteropFiles.sampleTree(tmp.resolve("src"));
        LocalPath tar = ArchiveUtils.tar(LocalPath.of(source), false);
        LocalPath tarGz = ArchiveUtils.compress(tar, OCI_TAR_GZIP);
        Files.deleteIfExists(tar.getPath());
        Path layerFile = Files.move(tarGz.getPath(), tmp.resolve("content.tar.gz"));

        land.oras.Manifest pushed = oras.pushArtifact(ref("acme/oras-flux:v1"),
                ArtifactType.from(MediaTypes.FLUX_CONFIG),
                Annotations.ofManifest(Map.of(MediaTypes.SOURCE, "https://github.com/acme/oras",
                        MediaTypes.REVISION, "v1@sha1:89abcdef0123456789abcdef0123456789abcdef")),
                Config.empty().withMediaType(MediaTypes.FLUX_CONFIG),
                LocalPath.of(layerFile, MediaTypes.FLUX_CONTENT));

        ArtifactPuller.PulledArtifact pulled = ArtifactPuller.pull(pier, "acme/oras-flux", "v1",
                tmp.resolve("pulled-by-pier"), ExtractionLimits.DEFAULTS);

        assertThat(pulled.manifest().digest().toString()).isEqualTo(pushed.getDigest());
        assertThat(pulled.configMediaType()).isEqualTo(MediaTypes.FLUX_CONFIG);
        assertThat(pulled.annotations())
                .containsEntry(MediaTypes.SOURCE, "https://github.com/acme/oras")
                .containsEntry(MediaTypes.REVISION, "v1@sha1:89abcdef0123456789abcdef0123456789abcdef");
        assertThat(pulled.layer().mediaType()).isEqualTo(MediaTypes.FLUX_CONTENT);
        assertThat(pulled.layer().digest().toString())
                .isEqualTo(pushed.getLayers().getFirst().getDigest())
                .isEqualTo(InteropFiles.sha256(layerFile));
        assertThat(pulled.layer().size()).isEqualTo(Files.size(layerFile));
        assertThat(InteropFiles.snapshot(pulled.content().directory())).isEqualTo(InteropFiles.snapshot(source));
    }

    @Test
    void pier_reads_and_verifies_a_plain_file_artifact_that_oras_pushed(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("notes.txt");
        Files.writeString(file, "release notes from oras\n".repeat(200));
        land.oras.Manifest pushed = oras.pushArtifact(ref("acme/oras-notes:v1"),
                ArtifactType.from("application/vnd.acme.notes.v1"), LocalPath.of(file, "text/plain"));

        Descriptor resolved = pier.resolve("acme/oras-notes", "v1").orElseThrow();
        assertThat(resolved.digest().toString()).isEqualTo(pushed.getDigest());
        Manifest manifest = pier.manifest("acme/oras-notes", "v1");
        assertThat(manifest.digest()).isEqualTo(resolved.digest());
        assertThat(manifest.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");

        JsonNode json = JSON.readTree(manifest.bytes());
        assertThat(json.path("artifactType").asText()).isEqualTo("application/vnd.acme.notes.v1");
        assertThat(json.path("config").path("mediaType").asText()).isEqualTo("application/vnd.oci.empty.v1+json");
        JsonNode layer = json.path("layers").get(0);
        assertThat(layer.path("mediaType").asText()).isEqualTo("text/plain");
        assertThat(layer.path("annotations").path("org.opencontainers.image.title").asText()).isEqualTo("notes.txt");

        Digest layerDigest = Digest.parse(layer.path("digest").asText());
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        pier.blob("acme/oras-notes", layerDigest, layer.path("size").asLong(), content);
        assertThat(content.toByteArray()).isEqualTo(Files.readAllBytes(file));
        assertThat(pier.tags("acme/oras-notes")).containsExactly("v1");

        assertThatThrownBy(() -> ArtifactPuller.pull(pier, "acme/oras-notes", "v1", tmp.resolve("refused"),
                ExtractionLimits.DEFAULTS))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("application/vnd.oci.empty.v1+json")
                .hasMessageContaining("neither a Flux artifact's nor a Helm chart's");
        assertThat(tmp.resolve("refused")).doesNotExist();
    }
}

package dev.pier.oci.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Manifest;
import dev.pier.oci.artifact.ArtifactPuller;
import dev.pier.oci.artifact.ArtifactPusher;
import dev.pier.oci.artifact.ExtractionLimits;
import dev.pier.oci.registry.RegistryClient;
import dev.pier.oci.registry.RegistryEndpoint;
import dev.pier.oci.registry.RegistryServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a real peer: Helm 3 itself, embedded by helm-java ({@code com.marcnuri.helm-java}) as the native
 * library {@code helm-linux-amd64.so} from its {@code linux-amd64} artifact. Helm packages and renders the chart;
 * Pier pushes it to and pulls it from Debian's {@code docker-registry} on loopback. When the native library
 * cannot be loaded the tests fail (they are not skipped), naming the library.
 */
class HelmJavaInteropTest {

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.anonymous();

    /** Helm's own OCI media types (helm.sh/helm/v3/pkg/registry), written out rather than taken from Pier. */
    static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    static final String HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    static final String VERSION = "0.1.0-abcdef123456";
    static final String IMAGE = "ghcr.io/acme/pytoya/api@sha256:" + "0123456789abcdef".repeat(4);

    static final ObjectMapper JSON = new ObjectMapper();
    static RegistryClient pier;

    @BeforeAll
    static void helmLoadsAndTheClientStarts() {
        String version;
        try {
            version = Helm.version().call();
        } catch (Throwable e) {
            throw new AssertionError("helm-java could not run Helm: its native library helm-linux-amd64.so (artifact"
                    + " com.marcnuri.helm-java:linux-amd64) did not load or answer 'version' on this machine ("
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): " + e, e);
        }
        assertThat(version).as("helm version").startsWith("v3.");
        pier = RegistryClient.builder(RegistryEndpoint.loopbackHttp(REGISTRY.host())).build();
    }

    @AfterAll
    static void closeClient() {
        if (pier != null) {
            pier.close();
        }
    }

    /** A chart whose one template renders {@code .Values.image}. */
    static Path chart(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("Chart.yaml"), """
                apiVersion: v2
                name: interop
                description: A chart packaged by Helm and carried by Pier
                type: application
                version: %s
                appVersion: "abcdef123456"
                """.formatted(VERSION));
        Files.writeString(dir.resolve("values.yaml"), "image: nginx:placeholder\n");
        Files.writeString(dir.resolve("templates/configmap.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Release.Name }}-settings
                data:
                  image: {{ .Values.image | quote }}
                """);
        return dir;
    }

    /** Packages {@code chartDir} with Helm into {@code out} and returns the one .tgz it wrote. */
    static Path helmPackage(Path chartDir, Path out) throws IOException {
        Files.createDirectories(out);
        new Helm(chartDir).packageIt().withDestination(out).call();
        try (Stream<Path> files = Files.list(out)) {
            return files.reduce((a, b) -> {
                throw new AssertionError("helm package wrote more than one file: " + a + ", " + b);
            }).orElseThrow(() -> new AssertionError("helm package wrote nothing to " + out));
        }
    }

    @Test
    void a_chart_helm_packaged_goes_through_pier_and_the_registry_unchanged_and_helm_renders_it(@TempDir Path tmp)
            throws Exception {
        Path packaged = helmPackage(chart(tmp.resolve("interop")), tmp.resolve("packaged"));
        assertThat(packaged.getFileName()).hasToString("interop-" + VERSION + ".tgz");

        Descriptor pushed = ArtifactPusher.pushChart(pier, "acme/charts/interop", null, packaged);
        assertThat(pier.tags("acme/charts/interop")).containsExactly(VERSION);

        Manifest manifest = pier.manifest("acme/charts/interop", VERSION);
        assertThat(manifest.digest()).isEqualTo(pushed.digest());
        JsonNode json = JSON.readTree(manifest.bytes());
        assertThat(json.path("config").path("mediaType").asText()).isEqualTo(HELM_CONFIG);
        assertThat(json.path("layers")).hasSize(1);
        assertThat(json.path("layers").get(0).path("mediaType").asText()).isEqualTo(HELM_CHART_LAYER);
        assertThat(json.path("layers").get(0).path("digest").asText()).isEqualTo(InteropFiles.sha256(packaged));

        Path pulled = tmp.resolve("pulled/interop-" + VERSION + ".tgz");
        Files.createDirectories(pulled.getParent());
        Descriptor layer = ArtifactPuller.pullChart(pier, "acme/charts/interop", pushed.digest().toString(), pulled,
                ExtractionLimits.DEFAULTS);
        assertThat(layer.mediaType()).isEqualTo(HELM_CHART_LAYER);
        assertThat(Files.readAllBytes(pulled)).as("the pulled chart, byte for byte")
                .isEqualTo(Files.readAllBytes(packaged));

        String rendered = new Helm(pulled).template().withName("pytoya").set("image", IMAGE).call();
        assertThat(rendered)
                .contains("kind: ConfigMap")
                .contains("name: pytoya-settings")
                .contains("image: \"" + IMAGE + "\"")
                .doesNotContain("nginx:placeholder");
    }

    @Test
    void pier_extracts_a_chart_helm_packaged_when_it_pulls_it_as_an_artifact(@TempDir Path tmp) throws Exception {
        Path chartDir = chart(tmp.resolve("interop"));
        Path packaged = helmPackage(chartDir, tmp.resolve("packaged"));
        Descriptor pushed = ArtifactPusher.pushChart(pier, "acme/charts/extracted", null, packaged);

        ArtifactPuller.PulledArtifact pulled = ArtifactPuller.pull(pier, "acme/charts/extracted",
                pushed.digest().toString(), tmp.resolve("extracted"), ExtractionLimits.DEFAULTS);

        assertThat(pulled.configMediaType()).isEqualTo(HELM_CONFIG);
        assertThat(pulled.layer().mediaType()).isEqualTo(HELM_CHART_LAYER);
        Path extractedChart = pulled.content().directory().resolve("interop");
        // helm package re-serialises Chart.yaml; templates and values are packaged verbatim.
        assertThat(Files.readString(extractedChart.resolve("Chart.yaml")))
                .contains("name: interop").contains("version: " + VERSION);
        assertThat(extractedChart.resolve("templates/configmap.yaml"))
                .hasSameTextualContentAs(chartDir.resolve("templates/configmap.yaml"));
        assertThat(extractedChart.resolve("values.yaml")).hasSameTextualContentAs(chartDir.resolve("values.yaml"));
    }

    @Test
    void helm_renders_a_chart_straight_from_the_registry_where_pier_pushed_it(@TempDir Path tmp) throws Exception {
        Path packaged = helmPackage(chart(tmp.resolve("interop")), tmp.resolve("packaged"));
        ArtifactPusher.pushChart(pier, "acme/charts/from-registry", null, packaged);

        String rendered = Helm.template("oci://" + REGISTRY.host() + "/acme/charts/from-registry")
                .withVersion(VERSION).plainHttp().withName("pytoya").set("image", IMAGE).call();

        assertThat(rendered).contains("name: pytoya-settings").contains("image: \"" + IMAGE + "\"");
    }

    @Test
    void pier_pulls_a_chart_that_helm_pushed_byte_for_byte(@TempDir Path tmp) throws Exception {
        Path packaged = helmPackage(chart(tmp.resolve("interop")), tmp.resolve("packaged"));
        Helm.push().withChart(packaged).withRemote(URI.create("oci://" + REGISTRY.host() + "/acme/helm-pushed"))
                .plainHttp().call();

        Manifest manifest = pier.manifest("acme/helm-pushed/interop", VERSION);
        JsonNode json = JSON.readTree(manifest.bytes());
        assertThat(json.path("config").path("mediaType").asText()).isEqualTo(HELM_CONFIG);
        assertThat(json.path("layers").get(0).path("digest").asText()).isEqualTo(InteropFiles.sha256(packaged));

        Path pulled = tmp.resolve("pulled.tgz");
        ArtifactPuller.pullChart(pier, "acme/helm-pushed/interop", VERSION, pulled, ExtractionLimits.DEFAULTS);
        assertThat(Files.readAllBytes(pulled)).isEqualTo(Files.readAllBytes(packaged));
    }
}

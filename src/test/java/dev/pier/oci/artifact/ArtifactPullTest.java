package dev.pier.oci.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.OciException;
import dev.pier.oci.layout.OciLayoutStore;
import dev.pier.oci.layout.Skopeo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactPullTest {

    @TempDir
    Path tmp;

    @Test
    void a_pushed_tree_pulls_back_identical_apart_from_ignored_files() throws Exception {
        Path src = Trees.sample(tmp.resolve("src"), ArtifactPushTest.CREATED);
        Trees.write(src.resolve(".git/HEAD"), "ref: main", "rw-r--r--", ArtifactPushTest.CREATED);
        Files.createSymbolicLink(src.resolve("link"), Path.of("README"));
        Trees.write(src.resolve("long/" + "n".repeat(120) + "/" + "f".repeat(120) + ".yaml"), "long: path", "rw-r--r--",
                ArtifactPushTest.CREATED);
        Trees.write(src.resolve("unicode/caf\u00e9-\u65e5\u672c.yaml"), "name: \u00e9", "rw-r--r--", ArtifactPushTest.CREATED);
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));
        Descriptor pushed = ArtifactPusher.pushDirectory(store, "acme/app", "v1", src, ArtifactPushTest.META);
        Path out = Files.createDirectory(tmp.resolve("pulled")).resolve("app");

        ArtifactPuller.PulledArtifact pulled = ArtifactPuller.pull(store, "acme/app", "v1", out, ExtractionLimits.DEFAULTS);

        Map<String, String> expected = Trees.snapshot(src);
        expected.keySet().removeIf(name -> name.equals(".git") || name.startsWith(".git/") || name.equals("link"));
        assertThat(Trees.snapshot(out)).isEqualTo(expected);
        assertThat(pulled.manifest().digest()).isEqualTo(pushed.digest());
        assertThat(pulled.configMediaType()).isEqualTo(MediaTypes.FLUX_CONFIG);
        assertThat(pulled.annotations()).containsEntry(MediaTypes.REVISION, "main@sha1:" + "a".repeat(40));
        assertThat(pulled.content().files()).isEqualTo(6);
        try (var siblings = Files.list(out.getParent())) {
            assertThat(siblings).containsExactly(out);
        }
    }

    @Test
    void a_layer_changed_on_disk_is_refused_and_nothing_appears() throws Exception {
        Path src = Trees.sample(tmp.resolve("src"), ArtifactPushTest.CREATED);
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));
        ArtifactPusher.pushDirectory(store, "acme/app", "v1", src, ArtifactPushTest.META);
        ArtifactPushTest.Layer layer = ArtifactPushTest.layer(store, "acme/app", "v1");
        Path blob = tmp.resolve("store/acme/app/blobs/sha256/" + layer.digest().hex());
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length - 5] ^= 0x01;
        Files.write(blob, bytes);
        Path parent = Files.createDirectory(tmp.resolve("pulled"));

        assertThatThrownBy(() -> ArtifactPuller.pull(store, "acme/app", "v1", parent.resolve("app"), ExtractionLimits.DEFAULTS))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("tried to pull acme/app:v1")
                .hasMessageContaining("the layout is corrupt");
        assertThat(parent).isEmptyDirectory();
    }

    @Test
    void a_layer_with_a_path_traversal_is_refused_on_pull() throws Exception {
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));
        byte[] evil = Archives.tarGz(tar -> Archives.file(tar, "../../escape.txt", "x"));
        Digest layer = OciLayoutStore.sha256(evil);
        store.putBlob("acme/app", layer, evil.length, new ByteArrayInputStream(evil));
        Digest config = OciLayoutStore.sha256("{}".getBytes());
        store.putBlob("acme/app", config, 2, new ByteArrayInputStream("{}".getBytes()));
        byte[] manifest = ArtifactPusher.manifest(MediaTypes.FLUX_CONFIG, config, 2, MediaTypes.FLUX_CONTENT, layer,
                evil.length, Map.of());
        store.putManifest("acme/app", "evil", manifest, MediaTypes.OCI_MANIFEST);
        Path parent = Files.createDirectory(tmp.resolve("pulled"));

        assertThatThrownBy(() -> ArtifactPuller.pull(store, "acme/app", "evil", parent.resolve("app"), ExtractionLimits.DEFAULTS))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("entry '../../escape.txt' has a '..' path component");
        assertThat(parent).isEmptyDirectory();
        assertThat(tmp.resolve("escape.txt")).doesNotExist();
    }

    @Test
    void an_artifact_of_another_kind_is_refused_by_name() throws Exception {
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));
        Digest config = OciLayoutStore.sha256("{}".getBytes());
        store.putBlob("acme/app", config, 2, new ByteArrayInputStream("{}".getBytes()));
        byte[] manifest = ArtifactPusher.manifest("application/vnd.oci.image.config.v1+json", config, 2,
                MediaTypes.FLUX_CONTENT, config, 2, Map.of());
        store.putManifest("acme/app", "image", manifest, MediaTypes.OCI_MANIFEST);

        assertThatThrownBy(() -> ArtifactPuller.pull(store, "acme/app", "image", tmp.resolve("out"), ExtractionLimits.DEFAULTS))
                .isInstanceOf(OciException.class)
                .hasMessage("tried to pull acme/app:image to " + tmp.resolve("out") + " but its config media type"
                        + " 'application/vnd.oci.image.config.v1+json' is neither a Flux artifact's nor a Helm chart's");
    }

    @Test
    void a_helm_chart_pushes_with_helm_media_types_and_pulls_back_unchanged() throws Exception {
        Path chart = tmp.resolve("mychart-1.2.3+build.1.tgz");
        Files.write(chart, Archives.tarGz(tar -> {
            Archives.file(tar, "mychart/Chart.yaml", "apiVersion: v2\nname: mychart\nversion: 1.2.3+build.1\n"
                    + "appVersion: \"4.5\"\ndescription: A chart\ntype: application\nkeywords: []\n");
            Archives.file(tar, "mychart/values.yaml", "replicas: 1\n");
            Archives.file(tar, "mychart/templates/deployment.yaml", "kind: Deployment\n");
        }));
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));

        Descriptor pushed = ArtifactPusher.pushChart(store, "acme/charts/mychart", null, chart);

        assertThat(store.tags("acme/charts/mychart")).containsExactly("1.2.3_build.1");
        JsonNode manifest = new ObjectMapper().readTree(store.manifest("acme/charts/mychart", "1.2.3_build.1").bytes());
        assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo("application/vnd.cncf.helm.config.v1+json");
        assertThat(manifest.path("layers").get(0).path("mediaType").asText())
                .isEqualTo("application/vnd.cncf.helm.chart.content.v1.tar+gzip");
        assertThat(manifest.path("annotations").path("org.opencontainers.image.title").asText()).isEqualTo("mychart");
        ByteArrayOutputStream config = new ByteArrayOutputStream();
        store.blob("acme/charts/mychart", Digest.parse(manifest.path("config").path("digest").asText()), -1, config);
        JsonNode configJson = new ObjectMapper().readTree(config.toByteArray());
        assertThat(fieldNames(configJson)).containsExactly("name", "version", "description", "apiVersion", "appVersion", "type");
        assertThat(configJson.path("appVersion").asText()).isEqualTo("4.5");

        Path saved = tmp.resolve("saved.tgz");
        ArtifactPuller.pullChart(store, "acme/charts/mychart", pushed.digest().toString(), saved, ExtractionLimits.DEFAULTS);
        assertThat(saved).hasSameBinaryContentAs(chart);

        Path out = Files.createDirectory(tmp.resolve("pulled")).resolve("chart");
        ArtifactPuller.pull(store, "acme/charts/mychart", "1.2.3_build.1", out, ExtractionLimits.DEFAULTS);
        assertThat(out.resolve("mychart/values.yaml")).hasContent("replicas: 1");

        byte[] raw = Skopeo.run("inspect", "--raw", "oci:" + tmp.resolve("store/acme/charts/mychart") + ":1.2.3_build.1");
        assertThat(raw).isEqualTo(store.manifest("acme/charts/mychart", "1.2.3_build.1").bytes());
    }

    @Test
    void a_file_that_is_not_a_packaged_chart_is_refused() throws Exception {
        Path notAChart = tmp.resolve("x.tgz");
        Files.write(notAChart, Archives.tarGz(tar -> Archives.file(tar, "readme.md", "hi")));

        assertThatThrownBy(() -> ArtifactPusher.pushChart(new OciLayoutStore(tmp.resolve("store")), "acme/charts/x", null, notAChart))
                .isInstanceOf(OciException.class)
                .hasMessageEndingWith("but it has no <chart>/Chart.yaml: is it a chart packaged by 'helm package'?");
    }

    static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}

package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.oci.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * S4: with {@code pin: digest} (the default) every reference is resolved against a real registry before a
 * deployer runs; helm gets {@code repo@sha256:…} images and the chart as a verified local file. helm itself
 * is the {@link FakeHelm} stand-in (no helm binary or cluster here); it keeps a copy of the chart it was given.
 */
class DigestPinningIT {

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.anonymous();

    static final String REVISION = "main@sha1:3f9c2ab41d7e8a0b1c2d3e4f5a6b7c8d9e0f1a2b";

    @TempDir
    Path dir;

    Node node;
    FakeHelm helm;
    Path config;
    Path chart;

    @BeforeEach
    void setUp() throws Exception {
        node = new Node(dir);
        helm = new FakeHelm(node, "v3.21.0");
        helm.behave("cp \"$4\" '" + dir.resolve("received-chart.tgz") + "'");
        chart = chartTgz();
        node.file("values.yaml", "replicaCount: 1\n");
        config = node.file("pier.yaml", """
                version: 1
                registries:
                  "%1$s": { plain_http: true }
                apps:
                  pytoya:
                    sources: [{registry: "%1$s", orgs: [acme]}]
                    components:
                      api: {required: true}
                      web: {required: true}
                      worker: {defaults_to: api}
                    environments:
                      production:
                        deployer:
                          type: helm
                          release: pytoya
                          namespace: pytoya
                          values: [values.yaml]
                          image_values: {api: api.image, web: web.image, worker: worker.image}
                """.formatted(REGISTRY.host()));
    }

    String push(Path source, String repoAndTag) throws Exception {
        PierProcess.Result r = node.pier(Files.isDirectory(source)
                ? new String[] {"artifact", "push", source.toString(), "oci://" + REGISTRY.host() + "/" + repoAndTag,
                        "--source", "https://github.com/acme/pytoya", "--revision", REVISION, "--plain-http"}
                : new String[] {"artifact", "push", source.toString(), "oci://" + REGISTRY.host() + "/" + repoAndTag,
                        "--plain-http"});
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.stdout().trim();
    }

    String images(String api, String web) {
        return "{\"api\":\"" + REGISTRY.host() + "/acme/pytoya/api" + api + "\",\"web\":\"" + REGISTRY.host()
                + "/acme/pytoya/web" + web + "\"}";
    }

    PierProcess.Result deploy(String images) {
        return node.pier("deploy", "--config", config.toString(), "--app", "pytoya", "--chart",
                "oci://" + REGISTRY.host() + "/acme/charts/pytoya", "--chart-version", "0.1.0-abcdef", "--images",
                images, "-o", "json");
    }

    @Test
    void tags_are_resolved_to_digests_and_helm_installs_the_verified_chart_file() throws Exception {
        String chartDigest = push(chart, "acme/charts/pytoya:0.1.0-abcdef");
        String api = push(imageTree("api"), "acme/pytoya/api:abcdef");
        String web = push(imageTree("web"), "acme/pytoya/web:abcdef");

        PierProcess.Result r = deploy(images(":abcdef", ":abcdef"));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> upgrade = helm.upgrades().getFirst();
        assertThat(upgrade.get(3)).endsWith("/chart.tgz");
        assertThat(upgrade).doesNotContain("--version");
        assertThat(upgrade).contains(
                "api.image=" + REGISTRY.host() + "/acme/pytoya/api@" + api,
                "web.image=" + REGISTRY.host() + "/acme/pytoya/web@" + web,
                "worker.image=" + REGISTRY.host() + "/acme/pytoya/api@" + api);
        assertThat(dir.resolve("received-chart.tgz")).hasSameBinaryContentAs(chart);
        JsonNode run = new ObjectMapper().readTree(r.stdout());
        assertThat(run.at("/release/chart/digest").asText()).isEqualTo(chartDigest);
        assertThat(run.at("/release/images/api/given").asText()).isEqualTo(REGISTRY.host() + "/acme/pytoya/api:abcdef");
        assertThat(run.at("/release/images/api/digest").asText()).isEqualTo(api);
        assertThat(node.home.resolve("work")).isEmptyDirectory();
    }

    @Test
    void a_tag_the_registry_does_not_have_deploys_nothing() throws Exception {
        push(chart, "acme/charts/pytoya:0.1.0-abcdef");
        push(imageTree("api"), "acme/pytoya/api:abcdef");

        PierProcess.Result r = deploy(images(":abcdef", ":never-pushed"));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("--images.web").contains("never-pushed").contains("nothing was deployed");
        assertThat(helm.calls()).isEmpty();
        assertThat(node.pier("runs", "-o", "json").stdout().trim()).isEqualTo("[ ]");
    }

    @Test
    void a_digest_the_registry_disagrees_with_deploys_nothing() throws Exception {
        push(chart, "acme/charts/pytoya:0.1.0-abcdef");
        String old = push(imageTree("old-api"), "acme/pytoya/api:abcdef");
        String api = push(imageTree("api"), "acme/pytoya/api:abcdef"); // the tag moved on
        push(imageTree("web"), "acme/pytoya/web:abcdef");
        String other = "sha256:" + "0".repeat(64);

        PierProcess.Result unknown = deploy(images("@" + other, ":abcdef"));
        PierProcess.Result moved = deploy(images(":abcdef@" + old, ":abcdef"));

        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("--images.api").contains(other);
        assertThat(moved.exitCode()).as(moved.toString()).isEqualTo(1);
        assertThat(moved.stderr()).contains("the registry's abcdef is " + api);
        assertThat(helm.calls()).isEmpty();
    }

    Path imageTree(String name) throws Exception {
        Path d = dir.resolve("image-" + name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("content.txt"), name + "\n");
        return d;
    }

    /** A minimal packaged chart, made the way `helm package` lays it out (no helm here). */
    Path chartTgz() throws Exception {
        Path src = dir.resolve("chart-src/pytoya");
        Files.createDirectories(src.resolve("templates"));
        Files.writeString(src.resolve("Chart.yaml"), "apiVersion: v2\nname: pytoya\nversion: 0.1.0-abcdef\n");
        Files.writeString(src.resolve("templates/cm.yaml"), "kind: ConfigMap\n");
        Path tgz = dir.resolve("pytoya-0.1.0-abcdef.tgz");
        Process p = new ProcessBuilder("tar", "czf", tgz.toString(), "-C", dir.resolve("chart-src").toString(), "pytoya")
                .inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return tgz;
    }
}

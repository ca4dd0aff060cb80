package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.oci.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier artifact} against a real registry (Debian's docker-registry, distribution 2.8) with skopeo as
 * the independent reader: push a tree, inspect it, tag it, resolve it, pull it back and compare.
 */
class ArtifactCliIT {

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.anonymous();

    static final String REVISION = "main@sha1:3f9c2ab41d7e8a0b1c2d3e4f5a6b7c8d9e0f1a2b";

    @TempDir
    Path dir;

    Node node;
    Path tree;

    @BeforeEach
    void setUp() throws Exception {
        node = new Node(dir);
        tree = dir.resolve("kubernetes");
        Files.createDirectories(tree.resolve("apps/pytoya"));
        Files.writeString(tree.resolve("apps/pytoya/deployment.yaml"), "kind: Deployment\nmetadata: {name: pytoya}\n");
        Files.writeString(tree.resolve("kustomization.yaml"), "resources: [apps/pytoya/deployment.yaml]\n");
        Files.createDirectories(tree.resolve(".git"));
        Files.writeString(tree.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    }

    String ref(String tag) {
        return "oci://" + REGISTRY.host() + "/acme/pytoya-manifests:" + tag;
    }

    PierProcess.Result pier(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--plain-http");
        return node.pier(all.toArray(String[]::new));
    }

    @Test
    void a_pushed_tree_is_a_flux_artifact_that_skopeo_reads_and_pier_pulls_back_identically() throws Exception {
        PierProcess.Result push = pier("artifact", "push", tree.toString(), ref("sha-3f9c2ab"), "--source",
                "https://github.com/acme/pytoya", "--revision", REVISION, "--annotation", "team=platform", "-o", "json");
        assertThat(push.exitCode()).as(push.toString()).isZero();
        String digest = new ObjectMapper().readTree(push.stdout()).get("digest").asText();

        JsonNode manifest = new ObjectMapper().readTree(skopeo("inspect", "--tls-verify=false", "--raw",
                "docker://" + REGISTRY.host() + "/acme/pytoya-manifests:sha-3f9c2ab"));
        assertThat(manifest.at("/config/mediaType").asText()).isEqualTo("application/vnd.cncf.flux.config.v1+json");
        assertThat(manifest.at("/layers/0/mediaType").asText())
                .isEqualTo("application/vnd.cncf.flux.content.v1.tar+gzip");
        assertThat(manifest.at("/annotations/org.opencontainers.image.revision").asText()).isEqualTo(REVISION);
        assertThat(manifest.at("/annotations/org.opencontainers.image.source").asText())
                .isEqualTo("https://github.com/acme/pytoya");
        assertThat(manifest.at("/annotations/team").asText()).isEqualTo("platform");

        PierProcess.Result tag = pier("artifact", "tag", ref("sha-3f9c2ab"), "--tag", "integration-3f9c2ab");
        assertThat(tag.exitCode()).as(tag.toString()).isZero();
        PierProcess.Result resolved = pier("artifact", "resolve", ref("integration-3f9c2ab"));
        assertThat(resolved.stdout().trim()).isEqualTo(digest);
        assertThat(pier("artifact", "tags", "oci://" + REGISTRY.host() + "/acme/pytoya-manifests").stdout().lines())
                .containsExactlyInAnyOrder("sha-3f9c2ab", "integration-3f9c2ab");

        Path pulled = dir.resolve("pulled");
        PierProcess.Result pull = pier("artifact", "pull", ref("integration-3f9c2ab"), pulled.toString());
        assertThat(pull.exitCode()).as(pull.toString()).isZero();
        assertThat(pulled.resolve("apps/pytoya/deployment.yaml")).hasSameTextualContentAs(
                tree.resolve("apps/pytoya/deployment.yaml"));
        assertThat(pulled.resolve("kustomization.yaml")).exists();
        assertThat(pulled.resolve(".git")).as("Flux's default ignores").doesNotExist();
    }

    @Test
    void the_same_tree_and_created_time_give_the_same_digest() {
        String first = pier("artifact", "push", tree.toString(), ref("a"), "--source", "https://x", "--revision",
                REVISION, "--created", "2026-01-11T00:00:00Z").stdout().trim();
        String second = pier("artifact", "push", tree.toString(), ref("b"), "--source", "https://x", "--revision",
                REVISION, "--created", "2026-01-11T00:00:00Z").stdout().trim();

        assertThat(first).startsWith("sha256:").isEqualTo(second);
    }

    @Test
    void bad_references_and_missing_tags_get_clear_errors_and_distinct_exit_codes() {
        PierProcess.Result upper = pier("artifact", "push", tree.toString(), "oci://" + REGISTRY.host() + "/ACME/x:1",
                "--source", "https://x", "--revision", REVISION);
        assertThat(upper.exitCode()).isEqualTo(2);
        assertThat(upper.stderr()).containsIgnoringCase("upper-case");

        PierProcess.Result missing = pier("artifact", "resolve", ref("no-such-tag"));
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("no-such-tag");

        PierProcess.Result notLoopback = node.pier("artifact", "tags", "oci://ghcr.io.example/acme/x", "--plain-http");
        assertThat(notLoopback.exitCode()).isEqualTo(2);
        assertThat(notLoopback.stderr()).contains("--plain-http");
    }

    static String skopeo(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}

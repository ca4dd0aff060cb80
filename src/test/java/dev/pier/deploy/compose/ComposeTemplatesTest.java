package dev.pier.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.ComposeSettings;
import dev.pier.deploy.compose.ComposeTemplates.RenderException;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import dev.pier.ssh.SshdServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict rendering, digest-pinned images, and the model a template sees. */
class ComposeTemplatesTest {

    @TempDir
    Path dir;

    private DeployRequest request(Release release) {
        var target = new dev.pier.config.SshTarget("h", 22, SshdServer.USER, "k", List.of(), true, Duration.ofSeconds(5));
        return ComposeFixtures.request("r9", ComposeFixtures.spec(target, "/srv/q", Duration.ofMinutes(1),
                Duration.ofSeconds(30)), release, dir);
    }

    private ComposeSettings settings() {
        return ComposeFixtures.spec(null, "/srv/q", Duration.ofMinutes(1), Duration.ofSeconds(30)).compose();
    }

    @Test
    void the_model_has_pinned_images_variables_and_image_values_and_no_secret() throws Exception {
        Map<String, Object> m = ComposeTemplates.model(request(ComposeFixtures.release(ComposeFixtures.APP_DIGEST)),
                settings(), "/srv/q/releases/r9");
        assertThat(m).containsEntry("app", "quantum").containsEntry("env", "production").containsEntry("run_id", "r9")
                .containsEntry("project", "demo").containsEntry("release_dir", "/srv/q/releases/r9")
                .containsEntry("log_level", "info")
                .containsEntry("app_image", "ghcr.io/acme/quantum/app@" + ComposeFixtures.APP_DIGEST)
                .containsEntry("redis_image", "docker.io/library/redis@" + ComposeFixtures.REDIS_DIGEST);
        assertThat(m.toString()).doesNotContain(ComposeFixtures.SECRET);
    }

    @Test
    void an_image_without_a_digest_is_refused() {
        Release tagged = new Release("quantum", null, null, Map.of("app",
                Release.ArtifactRef.asGiven("ghcr.io/acme/quantum/app:1.0"), "redis",
                Release.ArtifactRef.asGiven("docker.io/library/redis@" + ComposeFixtures.REDIS_DIGEST)));
        assertThatThrownBy(() -> ComposeTemplates.model(request(tagged), settings(), "/x"))
                .hasMessageContaining("deploys images by digest only, but images.app is 'ghcr.io/acme/quantum/app:1.0'");
    }

    @Test
    void an_undefined_variable_fails_naming_template_line_and_variable() {
        assertThatThrownBy(() -> ComposeTemplates.render("compose.yaml.mustache", "services:\n  a:\n    image: {{nope}}\n",
                Map.of("app", "x", "images", Map.of("api", "r"))))
                .isInstanceOf(RenderException.class)
                .hasMessage("compose template compose.yaml.mustache line 3 uses {{nope}}, which is not defined"
                        + " (defined: app, images.api)");
    }

    @Test
    void renders_the_example_without_html_escaping_and_keeps_compose_interpolation() throws Exception {
        Map<String, String> out = ComposeTemplates.renderAll(settings(), ComposeFixtures.EXAMPLE, ComposeTemplates.model(
                request(ComposeFixtures.release(ComposeFixtures.APP_DIGEST)), settings(), "/srv/q/releases/r9"));
        assertThat(out).containsOnlyKeys("compose.yaml");
        assertThat(out.get("compose.yaml")).contains("\"8080:8080\"", "${REDIS_PASSWORD:?", "$$REDIS_PASSWORD",
                "image: ghcr.io/acme/quantum/app@" + ComposeFixtures.APP_DIGEST).doesNotContain("&quot;");
        assertThat(Prepared.services(Map.of("compose.yaml", out.get("compose.yaml").getBytes())))
                .containsExactly("app", "redis");
    }

    @Test
    void with_artifact_bundle_the_templates_come_from_the_release_config_bundle() throws Exception {
        ComposeSettings fromBundle = new ComposeSettings("demo", "/srv/q", List.of("deploy/compose.yaml.mustache"), null,
                Map.of(), Map.of("app", "app_image"), Map.of(), "docker", Duration.ofSeconds(30), 5);
        var spec = new dev.pier.config.DeployerSpec.ComposeSsh(null, fromBundle, Duration.ofMinutes(1));
        Release.ArtifactRef bundle = new Release.ArtifactRef("oci://ghcr.io/acme/bundles/quantum:v2",
                "ghcr.io/acme/bundles/quantum@" + ComposeFixtures.APP_DIGEST, ComposeFixtures.APP_DIGEST, null);
        Release release = new Release("quantum", null, bundle, ComposeFixtures.release(ComposeFixtures.APP_DIGEST)
                .images());
        List<Release.ArtifactRef> fetched = new java.util.ArrayList<>();
        ComposeSshDeployer deployer = new ComposeSshDeployer(dir, (ref, target) -> {
            fetched.add(ref);
            Files.createDirectories(target.resolve("deploy"));
            Files.writeString(target.resolve("deploy/compose.yaml.mustache"),
                    "# {{bundle}}\nservices:\n  app:\n    image: {{app_image}}\n");
        });
        Prepared p = deployer.prepare(ComposeFixtures.request("r9", spec, release, dir), new RemoteLayout("/srv/q"));

        assertThat(fetched).containsExactly(bundle);
        assertThat(new String(p.files().get("compose.yaml"))).contains("# ghcr.io/acme/bundles/quantum@sha256:",
                "image: ghcr.io/acme/quantum/app@" + ComposeFixtures.APP_DIGEST);
        assertThat(p.services()).containsExactly("app");
        assertThat(new String(p.releaseJson())).contains("\"compose_files\" : [ \"compose.yaml\" ]", "bundles/quantum");
        assertThat(p.toString()).doesNotContain(ComposeFixtures.SECRET);
    }

    @Test
    void templates_are_read_only_from_inside_their_directory() throws Exception {
        Files.writeString(dir.resolve("outside.yaml"), "x");
        Path inner = Files.createDirectories(dir.resolve("bundle"));
        Files.createSymbolicLink(inner.resolve("link.yaml"), dir.resolve("outside.yaml"));
        assertThatThrownBy(() -> ComposeTemplates.read(inner, "../outside.yaml")).hasMessageContaining("outside");
        assertThatThrownBy(() -> ComposeTemplates.read(inner, "link.yaml")).hasMessageContaining("is not a file");
    }
}

package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config for the webhook and argocd deployers: binding, defaults, and what the loader refuses. */
class ControllerDeployerConfigTest {

    @TempDir
    Path dir;

    NodeConfig load(String deployer) throws Exception {
        Path f = dir.resolve("pier.yaml");
        Files.writeString(f, """
                version: 1
                secrets:
                  lightway_key: { env: LIGHTWAY_KEY }
                  argocd_token: { env: ARGOCD_TOKEN }
                apps:
                  pytoya:
                    sources: [{registry: ghcr.io, orgs: [acme]}]
                    components: {api: {required: true}, web: {required: true}}
                    environments:
                      production:
                        deployer: %s
                """.formatted(deployer));
        return ConfigLoader.load(f);
    }

    DeployerSpec deployer(String yaml) throws Exception {
        return load(yaml).app("pytoya").orElseThrow().environment("production").orElseThrow().deployer();
    }

    @Test
    void a_webhook_binds_with_defaults_and_declares_its_secret() throws Exception {
        DeployerSpec.Webhook w = (DeployerSpec.Webhook) deployer(
                "{type: webhook, url: 'https://lightway.internal/deploy', secret: lightway_key, headers: {X-Team: a}}");

        assertThat(w.url()).hasHost("lightway.internal");
        assertThat(w.status()).isEqualTo(DeployerSpec.Webhook.StatusMode.POLL);
        assertThat(w.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(w.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(w.headers()).containsEntry("X-Team", "a");
        assertThat(w.secretNames()).containsExactly("lightway_key");
    }

    @Test
    void an_argocd_deployer_binds_and_declares_its_token() throws Exception {
        DeployerSpec.ArgoCd a = (DeployerSpec.ArgoCd) deployer("""
                {type: argocd, server: 'https://argocd.internal', application: pytoya-prod, project: pytoya,
                 token: {secret: argocd_token}, image_values: {api: api.image}, chart_revision: true, timeout: 5m}""");

        assertThat(a.application()).isEqualTo("pytoya-prod");
        assertThat(a.parameters()).isEqualTo(DeployerSpec.ArgoCd.Parameters.HELM);
        assertThat(a.imageValues()).containsEntry("api", "api.image");
        assertThat(a.chartRevision()).isTrue();
        assertThat(a.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(a.secretNames()).containsExactly("argocd_token");
    }

    @Test
    void the_example_maps_staging_and_preview_to_lightway_and_production_to_argo_cd() throws Exception {
        NodeConfig cfg = ConfigLoader.load(ConfigLoaderTest.EXAMPLES.resolve("lightway-argocd/pier.yaml"));

        AppSpec app = cfg.app("pytoya").orElseThrow();
        var staging = (DeployerSpec.Webhook) app.environment("staging").orElseThrow().deployer();
        var preview = (DeployerSpec.Webhook) app.environment("preview").orElseThrow().deployer();
        var production = (DeployerSpec.ArgoCd) app.environment("production").orElseThrow().deployer();
        assertThat(staging.status()).isEqualTo(DeployerSpec.Webhook.StatusMode.POLL);
        assertThat(preview.status()).isEqualTo(DeployerSpec.Webhook.StatusMode.CALLBACK);
        assertThat(production.imageValues()).containsOnlyKeys("api", "web", "worker");
        assertThat(cfg.server().publicUrl()).hasHost("pier.acme.example");
    }

    @Test
    void plain_http_is_refused_except_to_loopback_or_when_insecure() throws Exception {
        assertThatThrownBy(() -> deployer("""
                {type: argocd, server: 'http://argocd.internal', application: a, token: {secret: argocd_token},
                 image_values: {api: api.image}}"""))
                .isInstanceOf(ConfigException.class).hasMessageContaining("$.apps.pytoya.environments.production"
                        + ".deployer.server: plain http to argocd.internal");
        assertThat(deployer("""
                {type: argocd, server: 'http://127.0.0.1:8081', application: a, token: {secret: argocd_token},
                 image_values: {api: api.image}}""")).isInstanceOf(DeployerSpec.ArgoCd.class);
        assertThat(deployer("{type: webhook, url: 'http://lightway.lan/deploy', secret: lightway_key, insecure: true}"))
                .isInstanceOf(DeployerSpec.Webhook.class);
    }

    @Test
    void undefined_secrets_reserved_headers_and_missing_parameters_are_each_named() {
        assertThatThrownBy(() -> deployer("""
                {type: webhook, url: 'https://l/deploy', secret: nope, headers: {Authorization: x, X-Pier-Run: y}}"""))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deployer.secret: secret 'nope' is not defined")
                .hasMessageContaining("deployer.headers.Authorization: Pier sets this header itself")
                .hasMessageContaining("deployer.headers.X-Pier-Run");
        assertThatThrownBy(() -> deployer("{type: argocd, server: 'https://a', application: a, token: {secret: x}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("deployer.token.secret: secret 'x' is not defined")
                .hasMessageContaining("deployer.image_values: name the Helm parameter");
        assertThatThrownBy(() -> deployer("{type: webhook, url: 'https://l/deploy', secret: lightway_key, token: x}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("token");
    }
}

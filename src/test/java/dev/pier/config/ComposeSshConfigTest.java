package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compose-ssh deployer's config: the example, defaults, and every cross-check with its path. */
class ComposeSshConfigTest {

    static final String HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMf782DCl+UCPgJN5XcHT3vDEbDZfG29BgZfXtAqEW5Y";

    @TempDir
    Path dir;

    @Test
    void the_compose_example_deploys_app_and_redis_with_the_password_only_in_the_env_file() throws Exception {
        NodeConfig cfg = ConfigLoader.load(ConfigLoaderTest.EXAMPLES.resolve("compose/pier.yaml"));
        DeployerSpec.ComposeSsh c = (DeployerSpec.ComposeSsh) cfg.app("quantum").orElseThrow()
                .environment("production").orElseThrow().deployer();

        assertThat(c.type()).isEqualTo("compose-ssh");
        assertThat(c.ssh().knownHosts()).hasSize(1);
        assertThat(c.ssh().trustOnFirstUse()).isFalse();
        assertThat(c.compose().templates()).containsExactly("compose.yaml.mustache");
        assertThat(c.compose().templateDir()).isEqualTo(ConfigLoaderTest.EXAMPLES.resolve("compose").toAbsolutePath()
                .normalize());
        assertThat(c.compose().imageValues()).containsEntry("app", "app_image").containsEntry("redis", "redis_image");
        assertThat(c.secretNames()).containsExactly("redis_password");
        assertThat(c.env()).isEmpty();
        assertThat(c.compose().waitTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void defaults_port_22_docker_five_releases_and_a_5m_wait() throws Exception {
        template("compose.yaml.mustache", "services: {}\n");
        DeployerSpec.ComposeSsh c = load("""
                          known_hosts: ["deploy.example %s"]
                """.formatted(HOST_KEY));
        assertThat(c.ssh().port()).isEqualTo(22);
        assertThat(c.ssh().connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.compose().docker()).isEqualTo("docker");
        assertThat(c.compose().keepReleases()).isEqualTo(5);
        assertThat(c.compose().waitTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void every_cross_check_names_its_path() throws Exception {
        template("compose.yaml.mustache", "services: {{#broken}}\n");
        assertThatThrownBy(() -> load("""
                          known_hosts: ["other.example %s", "not a key line"]
                          variables: {app: x}
                          image_values: {app: shared, db: shared}
                          env_file: {PASSWORD: {secret: nope}, NOTE: "two\\nlines"}
                          wait_timeout: 10m
                """.formatted(HOST_KEY)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(String.join("\n", e.problems()))
                        .contains("deployer.known_hosts[1]: not a known_hosts line")
                        .contains("deployer.variables.app: 'app' is set by Pier in every template")
                        .contains("deployer.image_values.db: not a component")
                        .contains("deployer.image_values.db: 'shared' also receives the image of app")
                        .contains("deployer.env_file.PASSWORD.secret: secret 'nope' is not defined")
                        .contains("deployer.env_file.NOTE: an env file value cannot span lines")
                        .contains("deployer.wait_timeout: must be shorter than timeout")
                        .contains("deployer.templates[0]: template ", "is not valid Mustache"));
    }

    @Test
    void a_host_no_known_hosts_entry_names_or_no_entry_at_all_is_refused_unless_trust_on_first_use() throws Exception {
        template("compose.yaml.mustache", "services: {}\n");
        assertThatThrownBy(() -> load("""
                          known_hosts: ["other.example %s"]
                """.formatted(HOST_KEY))).hasMessageContaining("deployer.known_hosts: no entry names deploy.example");
        assertThatThrownBy(() -> load("")).hasMessageContaining("no host key is pinned and trust_on_first_use is off");
        assertThat(load("          trust_on_first_use: true\n").ssh().trustOnFirstUse()).isTrue();
        assertThat(load("""
                          port: 2222
                          known_hosts: ["[deploy.example]:2222 %s"]
                """.formatted(HOST_KEY)).ssh().port()).isEqualTo(2222);
    }

    @Test
    void two_environments_on_one_server_cannot_share_a_remote_dir_or_a_project() throws Exception {
        template("compose.yaml.mustache", "services: {}\n");
        String pin = "          known_hosts: [\"deploy.example " + HOST_KEY + "\"]\n";
        Path f = dir.resolve("pier.yaml");
        Files.writeString(f, HEADER + environment("staging") + pin + environment("live") + pin);
        assertThatThrownBy(() -> ConfigLoader.load(f)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(String.join("\n", e.problems()))
                        .contains("environments.live.deployer.remote_dir: also the remote_dir of shop/staging")
                        .contains("environments.live.deployer.project: also the Compose project of shop/staging"));
    }

    @Test
    void the_schema_refuses_a_relative_remote_dir_and_template_paths_that_climb() throws Exception {
        template("compose.yaml.mustache", "services: {}\n");
        Path f = dir.resolve("pier.yaml");
        Files.writeString(f, config("""
                          known_hosts: ["deploy.example %s"]
                """.formatted(HOST_KEY)).replace("remote_dir: /srv/shop", "remote_dir: srv/../shop")
                .replace("templates: [compose.yaml.mustache]", "templates: [../compose.yaml]"));
        assertThatThrownBy(() -> ConfigLoader.load(f)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(String.join("\n", e.problems())).contains("remote_dir").contains("templates"));
    }

    private DeployerSpec.ComposeSsh load(String extra) throws Exception {
        Path f = dir.resolve("pier.yaml");
        Files.writeString(f, config(extra));
        return (DeployerSpec.ComposeSsh) ConfigLoader.load(f).app("shop").orElseThrow().environment("live")
                .orElseThrow().deployer();
    }

    private static final String HEADER = """
            version: 1
            secrets:
              db: {env: DB_PASSWORD}
            apps:
              shop:
                artifact: none
                sources: [{registry: ghcr.io, orgs: [acme]}]
                components: {app: {required: true}}
                environments:
            """;

    private static String environment(String name) {
        return """
                      %s:
                        deployer:
                          type: compose-ssh
                          host: deploy.example
                          user: deploy
                          key: shop-live
                          project: shop
                          remote_dir: /srv/shop
                          templates: [compose.yaml.mustache]
                """.formatted(name);
    }

    private static String config(String extra) {
        return HEADER + environment("live") + extra;
    }

    private void template(String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text);
    }
}

package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final Path EXAMPLES = Path.of(System.getProperty("pier.root", ".")).resolve("examples");

    @TempDir
    Path dir;

    @Test
    void the_pytoya_example_maps_the_app_to_a_helm_release_with_node_owned_values() throws Exception {
        NodeConfig cfg = ConfigLoader.load(EXAMPLES.resolve("pytoya/pier.yaml"));

        AppSpec app = cfg.app("pytoya").orElseThrow();
        assertThat(app.artifact()).isEqualTo(AppSpec.ArtifactMode.CHART);
        assertThat(app.chartPath()).isEqualTo("charts/*");
        assertThat(app.components()).containsOnlyKeys("api", "web", "worker");
        assertThat(app.components().get("worker").defaultsTo()).isEqualTo("api");
        EnvironmentSpec prod = app.environment("production").orElseThrow();
        assertThat(prod.pin()).isEqualTo(EnvironmentSpec.PinMode.AS_GIVEN);
        DeployerSpec.Helm helm = (DeployerSpec.Helm) prod.deployer();
        assertThat(helm.release()).isEqualTo("pytoya");
        assertThat(helm.namespace()).isEqualTo("pytoya");
        assertThat(helm.values()).singleElement().satisfies(p -> {
            assertThat(p).isAbsolute();
            assertThat(p).endsWith(Path.of("values/production.yaml"));
        });
        assertThat(helm.imageValues()).containsExactly(
                java.util.Map.entry("api", "api.image"), java.util.Map.entry("web", "web.image"),
                java.util.Map.entry("worker", "worker.image"));
        assertThat(helm.timeout()).hasMinutes(10);
    }

    @Test
    void the_quantum_example_has_the_seed_003_fallback_chain_and_secret_env() throws Exception {
        NodeConfig cfg = ConfigLoader.load(EXAMPLES.resolve("quantum/pier.yaml"));

        DeployerSpec.Command cmd = (DeployerSpec.Command) cfg.app("quantum").orElseThrow()
                .environment("production").orElseThrow().deployer();
        assertThat(cmd.commands()).hasSize(2);
        assertThat(cmd.commands().get(0).argv()).startsWith("quantum-cli", "stacks", "update");
        assertThat(cmd.commands().get(0).fallbackWhen().exitCodes()).containsExactly(2);
        assertThat(cmd.commands().get(1).argv()).startsWith("quantum-cli", "stack", "update");
        assertThat(cmd.env().get("QUANTUM_TOKEN")).isEqualTo(new DeployerSpec.EnvValue.Secret("quantum_token"));
    }

    @Test
    void defaults_are_digest_pinning_and_waiting_for_orphans() throws Exception {
        Path f = write("""
                version: 1
                apps:
                  web:
                    artifact: none
                    sources: [{registry: ghcr.io, orgs: [acme]}]
                    components: {app: {required: true}}
                    environments:
                      live:
                        deployer: {type: command, commands: [{argv: ["true"]}]}
                """);
        EnvironmentSpec live = ConfigLoader.load(f).app("web").orElseThrow().environment("live").orElseThrow();
        assertThat(live.pin()).isEqualTo(EnvironmentSpec.PinMode.DIGEST);
        assertThat(live.orphan()).isEqualTo(EnvironmentSpec.OrphanPolicy.WAIT);
    }

    @Test
    void schema_errors_name_the_file_and_the_path() throws Exception {
        Path f = write("""
                version: 1
                apps:
                  web:
                    sources: [{registry: ghcr.io, orgs: [acme]}]
                    components: {app: {required: true}}
                    environments:
                      live:
                        deployer: {type: kubectl, commands: [{argv: ["true"]}]}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("$.apps.web.environments.live.deployer");
    }

    @Test
    void cross_reference_errors_are_all_reported_with_their_paths() throws Exception {
        Path f = write("""
                version: 1
                apps:
                  web:
                    sources: [{registry: ghcr.io, orgs: [acme]}]
                    components:
                      api: {required: true}
                      worker: {defaults_to: wroker}
                    environments:
                      live:
                        deployer:
                          type: helm
                          release: web
                          namespace: web
                          values: [missing.yaml]
                          image_values: {apx: api.image}
                          env: {TOKEN: {secret: nope}}
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).contains("$.apps.web.components.worker.defaults_to").contains("'wroker'"),
                        p -> assertThat(p).contains("$.apps.web.environments.live.deployer.values[0]")
                                .contains("does not exist"),
                        p -> assertThat(p).contains("$.apps.web.environments.live.deployer.image_values.apx"),
                        p -> assertThat(p).contains("$.apps.web.environments.live.deployer.env.TOKEN.secret")
                                .contains("'nope'")));
    }

    @Test
    void duplicate_keys_and_broken_yaml_are_refused_with_a_line_number() throws Exception {
        Path dup = write("version: 1\nversion: 1\napps: {}\n");
        assertThatThrownBy(() -> ConfigLoader.load(dup)).hasMessageContaining("line 2").hasMessageContaining("version");
        Path broken = write("version: 1\napps: [\n");
        assertThatThrownBy(() -> ConfigLoader.load(broken)).hasMessageContaining("not valid YAML");
    }

    @Test
    void an_invalid_fallback_regex_is_refused() throws Exception {
        Path f = write("""
                version: 1
                apps:
                  web:
                    artifact: none
                    sources: [{registry: ghcr.io, orgs: [acme]}]
                    components: {app: {required: true}}
                    environments:
                      live:
                        deployer:
                          type: command
                          commands:
                            - argv: [a]
                              fallback_when: {output_matches: ["(unclosed"]}
                            - argv: [b]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(f)).hasMessageContaining("commands[0].fallback_when.output_matches")
                .hasMessageContaining("regular expression");
    }

    @Test
    void the_locator_prefers_the_flag_then_the_environment_then_the_working_directory() throws Exception {
        Path local = write("x: 1\n");
        Files.move(local, dir.resolve("pier.yaml"));
        Path other = Files.writeString(dir.resolve("other.yaml"), "x: 1\n");

        assertThat(ConfigLocator.locate(other, java.util.Map.of(), dir)).isEqualTo(other);
        assertThat(ConfigLocator.locate(null, java.util.Map.of("PIER_CONFIG", other.toString()), dir)).isEqualTo(other);
        assertThat(ConfigLocator.locate(null, java.util.Map.of(), dir)).isEqualTo(dir.resolve("pier.yaml"));
        assertThatThrownBy(() -> ConfigLocator.locate(null, java.util.Map.of(), dir.resolve("nowhere")))
                .hasMessageContaining("no node config");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "pier", ".yaml"), yaml);
    }
}

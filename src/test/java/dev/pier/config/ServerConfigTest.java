package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code server:} section: defaults and limits. */
class ServerConfigTest {

    @TempDir
    Path dir;

    ServerSpec server(String section) throws Exception {
        Path f = dir.resolve("pier.yaml");
        Files.writeString(f, section + """

                apps:
                  pytoya:
                    sources: [{registry: ghcr.io, orgs: [acme]}]
                    components: {api: {required: true}}
                    environments:
                      production:
                        deployer: {type: command, commands: [{argv: [/bin/true]}]}
                """);
        return ConfigLoader.load(f).server();
    }

    @Test
    void without_a_server_section_it_listens_on_loopback_with_four_parallel_runs() throws Exception {
        ServerSpec s = server("version: 1");

        assertThat(s.bind()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.anonymous()).isEqualTo(ServerSpec.Anonymous.OFF);
        assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxParallelRuns()).isEqualTo(4);
    }

    @Test
    void max_parallel_runs_is_bound_and_must_be_at_least_one() throws Exception {
        assertThat(server("version: 1\nserver: {max_parallel_runs: 16}").maxParallelRuns()).isEqualTo(16);
        assertThatThrownBy(() -> server("version: 1\nserver: {max_parallel_runs: 0}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max_parallel_runs");
        assertThatThrownBy(() -> server("version: 1\nserver: {max_parallel_runs: many}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max_parallel_runs");
    }
}

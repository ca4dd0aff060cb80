package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003's deploy through {@code examples/quantum/pier.yaml}: {@code quantum-cli stacks update}, falling
 * back to {@code stack update} on CLIs that do not know the first. quantum-cli is a stand-in script (the real
 * one needs a Quantum platform); the commands, exit codes, output and environment are real.
 */
class FallbackChainIT {

    static final String CONFIG = PierProcess.ROOT.resolve("examples/quantum/pier.yaml").toString();
    static final String IMAGES = "{\"app\":\"ghcr.io/acme/quantum/app:3f9c2ab41d7e\"}";
    static final String TOKEN = "qt-4f1d9a7c2b8e6055";
    static final String REDIS = "redis-pw-91c3e0aa57";

    @TempDir
    Path dir;

    Node node;
    Path calls;

    @BeforeEach
    void setUp() {
        node = new Node(dir);
        calls = dir.resolve("quantum-calls.log");
    }

    /** @param stacksBehaviour what `quantum-cli stacks update` does on this node's CLI version */
    void quantumCli(String stacksBehaviour) {
        node.script("quantum-cli", """
                #!/bin/bash
                echo "$*" >> '%s'
                echo "quantum-cli: token ${QUANTUM_TOKEN} image ${APP_IMAGE}"
                if [ "$1" = stacks ]; then
                  %s
                fi
                test -n "$REDIS_PASSWORD" || { echo 'REDIS_PASSWORD missing' >&2; exit 9; }
                echo "stack $3 updated from $(pwd)/$5"
                """.formatted(calls, stacksBehaviour));
    }

    Map<String, String> env() {
        Map<String, String> env = node.env();
        env.put("QUANTUM_TOKEN", TOKEN);
        env.put("REDIS_PASSWORD", REDIS);
        return env;
    }

    PierProcess.Result deploy() {
        return PierProcess.run(env(), dir, "deploy", "--config", CONFIG, "--app", "quantum", "--images", IMAGES,
                "-o", "json");
    }

    @Test
    void an_old_cli_that_does_not_know_stacks_falls_back_to_stack_update() throws Exception {
        quantumCli("echo 'Error: unknown command \"stacks\" for \"quantum-cli\"' >&2; exit 2");

        PierProcess.Result r = deploy();

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(calls)).containsExactly(
                "stacks update --stack quantum --compose-file compose.yaml",
                "stack update --stack quantum --compose-file compose.yaml");
        JsonNode run = new ObjectMapper().readTree(r.stdout());
        assertThat(run.get("steps")).hasSize(2);
        assertThat(run.at("/steps/0/exit_code").asInt()).isEqualTo(2);
        assertThat(run.at("/steps/1/outcome").asText()).isEqualTo("succeeded");
        assertThat(run.get("deployed_url").asText()).isEqualTo("https://quantum.acme.example");
    }

    @Test
    void a_current_cli_succeeds_with_stacks_update_and_nothing_else_runs() {
        quantumCli("true");

        PierProcess.Result r = deploy();

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(calls).content().isEqualTo("stacks update --stack quantum --compose-file compose.yaml\n");
    }

    @Test
    void a_failure_that_is_not_a_missing_command_does_not_fall_back() throws Exception {
        quantumCli("echo 'Error: permission denied for stack quantum' >&2; exit 1");

        PierProcess.Result r = deploy();

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(Files.readAllLines(calls)).hasSize(1);
        JsonNode run = new ObjectMapper().readTree(r.stdout());
        assertThat(run.get("status").asText()).isEqualTo("failed");
        assertThat(run.at("/error/exit_code").asInt()).isEqualTo(1);
        assertThat(run.at("/error/log_tail").toString()).contains("permission denied");
    }

    @Test
    void secrets_reach_the_deployer_but_never_the_log_the_output_or_the_database() throws Exception {
        quantumCli("echo 'Error: unknown command' >&2; exit 2");

        PierProcess.Result r = deploy();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String id = new ObjectMapper().readTree(r.stdout()).get("id").asText();
        PierProcess.Result shown = PierProcess.run(env(), dir, "run", id, "-o", "json");

        assertThat(shown.stdout()).contains("quantum-cli: token *** image ghcr.io/acme/quantum/app:3f9c2ab41d7e");
        for (String secret : new String[] {TOKEN, REDIS}) {
            assertThat(r.stdout() + r.stderr() + shown.stdout() + shown.stderr()).doesNotContain(secret);
            try (var files = Files.walk(node.home)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .as("secret in %s", f).doesNotContain(secret);
                }
            }
        }
    }

    @Test
    void a_missing_secret_is_a_node_config_error_and_nothing_runs() {
        quantumCli("true");
        Map<String, String> env = node.env(); // no QUANTUM_TOKEN, no REDIS_PASSWORD

        PierProcess.Result r = PierProcess.run(env, dir, "deploy", "--config", CONFIG, "--app", "quantum",
                "--images", IMAGES);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains("QUANTUM_TOKEN");
        assertThat(calls).doesNotExist();
    }
}

package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.it.ServerProcess.Token;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pier deploy --server}: the CI step that sends the signal to a real {@code pier server}, follows the run
 * and exits as a local deploy would. Each test deploys to its own environment, so no run of one test supersedes
 * or waits for another's.
 */
class RemoteDeployIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String OK = "{\"app\":\"ghcr.io/acme/demo/app:1.0.0\"}";

    @TempDir
    static Path dir;

    static Node node;
    static ServerProcess server;
    static Token ci;

    @BeforeAll
    static void start() {
        node = new Node(dir);
        Path deployer = node.script("deployer", """
                #!/bin/bash
                ref="$1"
                echo "deploying $ref to $PIER_ENV"
                case "${ref##*:}" in
                  fail*) echo "boom: the rollout broke" >&2; exit 3 ;;
                esac
                echo "rolled out"
                """);
        StringBuilder yaml = new StringBuilder(ServerProcess.demoAppHead("""
                version: 1
                """));
        for (String env : List.of("staging", "qa", "preview")) {
            yaml.append(ServerProcess.commandEnvironment(env, "", deployer));
        }
        node.file("pier.yaml", yaml.toString());
        server = ServerProcess.start(node, Map.of());
        ci = ServerProcess.token(node, "--owner", "ci-demo", "--scope", "signal:demo/*");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** {@code pier deploy} with PIER_TOKEN set, started and left running. */
    static PierProcess remote(String token, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(node.env());
        if (token != null) {
            env.put("PIER_TOKEN", token);
        }
        env.putAll(extraEnv);
        List<String> argv = new ArrayList<>(List.of("deploy", "--app", "demo"));
        argv.addAll(List.of(args));
        return PierProcess.start(env, node.dir, argv.toArray(String[]::new));
    }

    static PierProcess remote(String... args) {
        List<String> argv = new ArrayList<>(List.of("--server", server.base.toString()));
        argv.addAll(List.of(args));
        return remote(ci.secret(), Map.of(), argv.toArray(String[]::new));
    }

    static String runId(String text) {
        Matcher m = Pattern.compile("run ([0-9a-z]{26})").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    @Test
    void success_and_failure_exit_as_a_local_deploy_would() {
        PierProcess ok = remote("--env", "staging", "--images", OK);
        PierProcess failing = remote("--env", "qa", "--images", "{\"app\":\"ghcr.io/acme/demo/app:fail-1\"}");
        PierProcess.Result okR = ok.await(DEADLINE);
        PierProcess.Result failR = failing.await(DEADLINE);

        assertThat(okR.exitCode()).as(okR.toString()).isZero();
        assertThat(okR.stdout()).contains("succeeded: demo/staging run ")
                .contains("deployed_url: https://demo-staging.example.test");
        assertThat(okR.stderr()).as("the run's log is followed on stderr").contains("rolled out");
        JsonNode run = server.run(runId(okR.stdout()), ci.secret());
        assertThat(run.get("status").asText()).isEqualTo("succeeded");
        assertThat(run.at("/signal/actor").asText()).as("the token's owner sent it").isEqualTo("ci-demo");

        assertThat(failR.exitCode()).as(failR.toString()).isEqualTo(1);
        assertThat(failR.stdout()).contains("failed: demo/qa run ").contains("error: command 1/1")
                .contains("exited with code 3").containsPattern("step: command 1/1.*\\(exit code 3\\)");
        assertThat(failR.stderr()).contains("boom: the rollout broke");
        assertThat(server.run(runId(failR.stdout()), ci.secret()).get("status").asText()).isEqualTo("failed");
    }

    @Test
    void an_invalid_signal_exits_2_with_the_messages_of_local_mode() {
        String images = "{\"app\":\"docker.io/evil/app:latest\",\"x\":\"ghcr.io/acme/x:1\"}";
        PierProcess remote = remote("--env", "staging", "--images", images);
        PierProcess local = node.start("deploy", "--config", "pier.yaml", "--app", "demo", "--env", "staging",
                "--images", images);
        PierProcess.Result remoteR = remote.await(DEADLINE);
        PierProcess.Result localR = local.await(DEADLINE);

        assertThat(localR.exitCode()).as(localR.toString()).isEqualTo(2);
        assertThat(remoteR.exitCode()).as(remoteR.toString()).isEqualTo(2);
        List<String> expected = violationLines(localR.stderr());
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
        assertThat(violationLines(remoteR.stderr())).isEqualTo(expected);
    }

    /** From "pier: invalid signal" on, as both modes print it. */
    static List<String> violationLines(String stderr) {
        List<String> lines = stderr.lines().toList();
        int from = lines.indexOf("pier: invalid signal; nothing was deployed:");
        assertThat(from).as(stderr).isNotNegative();
        return lines.subList(from, lines.size()).stream().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void no_wait_prints_the_run_id_and_exits_0() {
        // PIER_SERVER instead of --server: the same remote mode when no --config is given.
        PierProcess.Result r = remote(ci.secret(), Map.of("PIER_SERVER", server.base.toString()),
                "--env", "preview", "--images", OK, "--no-wait").await(DEADLINE);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        String id = r.stdout().strip();
        assertThat(id).matches("[0-9a-z]{26}");
        JsonNode run = server.awaitStatus(id, ci.secret(), Duration.ofSeconds(30), "succeeded", "failed");
        assertThat(run.get("status").asText()).isEqualTo("succeeded");
        assertThat(run.get("environment").asText()).isEqualTo("preview");
    }

    @Test
    void a_bad_token_exits_4_and_an_unreachable_server_exits_1() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        PierProcess badToken = remote("pier_tok" + "a".repeat(12) + "_" + "0".repeat(64), Map.of(),
                "--server", server.base.toString(), "--env", "staging", "--images", OK);
        PierProcess noToken = remote(null, Map.of(), "--server", server.base.toString(), "--env", "staging",
                "--images", OK);
        PierProcess unreachable = remote(ci.secret(), Map.of(), "--server", "http://127.0.0.1:" + closed,
                "--env", "staging", "--images", OK);
        PierProcess.Result badR = badToken.await(DEADLINE);
        PierProcess.Result noneR = noToken.await(DEADLINE);
        PierProcess.Result unreachableR = unreachable.await(DEADLINE);

        assertThat(badR.exitCode()).as(badR.toString()).isEqualTo(4);
        assertThat(badR.stderr()).contains("401");
        assertThat(noneR.exitCode()).as(noneR.toString()).isEqualTo(4);
        assertThat(unreachableR.exitCode()).as(unreachableR.toString()).isEqualTo(1);
        assertThat(unreachableR.stderr()).contains("cannot reach the Pier server at http://127.0.0.1:" + closed);
    }
}

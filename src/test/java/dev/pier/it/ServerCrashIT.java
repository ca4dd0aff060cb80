package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of {@code pier server} in the middle of two deploys, with a third signal queued behind one of
 * them, then a restart on the same store. Every signal answered 202 must be accounted for, no run may stay
 * {@code deploying}, a non-idempotent environment's run fails as interrupted without its deployer running a
 * second time, and an idempotent environment's run is tried again under the same run id.
 */
class ServerCrashIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<PierProcess> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Node node;
    private Path state;
    private String token;
    private URI base;

    @AfterEach
    void tearDown() throws IOException {
        servers.forEach(PierProcess::kill);
        if (state != null) { // let any deployer a failed test left blocked run to its end
            Files.writeString(state.resolve("release"), "");
        }
    }

    @Test
    void a_crash_mid_deploy_loses_no_accepted_signal_and_runs_a_non_idempotent_deployer_once() throws Exception {
        node = new Node(dir);
        state = dir.resolve("state");
        Files.createDirectories(state);
        Path script = node.script("deployer.sh", """
                #!/bin/bash
                # $1 run id, $2 environment: record the invocation, then block until the test releases it.
                echo "$1" >> '%s'/"$2".log
                while [ ! -f '%s'/release ]; do sleep 0.05; done
                echo "deployed $1"
                """.formatted(state, state));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        node.file("pier.yaml", ServerProcess.demoAppHead("""
                version: 1
                server:
                  port: %d
                  shutdown_grace: 2s""".formatted(port)) + """
                      once:
                        pin: as-given
                        orphan: stop
                        deployer:
                          type: command
                          timeout: 2m
                          commands:
                            - argv: ["%s", "{{run_id}}", "{{env}}"]
                      again:
                        pin: as-given
                        orphan: stop
                        idempotent: true
                        deployer:
                          type: command
                          timeout: 2m
                          commands:
                            - argv: ["%s", "{{run_id}}", "{{env}}"]
                """.formatted(script, script));
        PierProcess.Result created = node.pier("token", "create", "--owner", "ci", "--scope", "admin");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        token = created.stdout().strip();
        base = URI.create("http://127.0.0.1:" + port);

        PierProcess first = startServer();
        String once = signal("once");
        String again = signal("again");
        await("both deployers to start").atMost(DEADLINE)
                .until(() -> lines("once").size() == 1 && lines("again").size() == 1);
        String queued = signal("once"); // waits behind the executing run: it must not be superseded or lost
        assertThat(get(queued).get("status").asText()).isEqualTo("queued");

        first.kill();
        first.await(DEADLINE);
        Files.writeString(state.resolve("release"), ""); // the orphaned deployers may now end
        startServer();

        try {
            await("every accepted run to end").atMost(DEADLINE).until(() ->
                    get(once).get("terminal").asBoolean() && get(again).get("terminal").asBoolean()
                            && get(queued).get("terminal").asBoolean());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("runs: " + get(once) + "\n" + get(again) + "\n" + get(queued) + "\nserver: "
                    + servers.get(1).stderrSoFar(), e);
        }
        JsonNode interrupted = get(once);
        assertThat(interrupted.get("status_label").asText()).as(interrupted.toPrettyString())
                .isEqualTo("failed (interrupted)");
        assertThat(interrupted.at("/error/kind").asText()).isEqualTo("interrupted");
        JsonNode retried = get(again);
        assertThat(retried.get("status").asText()).as(retried.toPrettyString()).isEqualTo("succeeded");
        assertThat(retried.get("attempt").asInt()).isEqualTo(2);
        assertThat(retried.get("history")).extracting(h -> h.get("to").asText())
                .containsExactly("queued", "deploying", "queued", "deploying", "succeeded");
        assertThat(get(queued).get("status").asText()).isEqualTo("succeeded");
        assertThat(lines("once")).as("the non-idempotent run's deployer ran once; the queued run's once")
                .containsExactly(once, queued);
        assertThat(lines("again")).as("the idempotent run was tried again").containsExactly(again, again);
        JsonNode all = JSON.readTree(send(HttpRequest.newBuilder(base.resolve("/api/v1/runs")).GET()).body());
        assertThat(all.get("runs")).hasSize(3).allSatisfy(r -> assertThat(r.get("terminal").asBoolean()).isTrue());
    }

    private PierProcess startServer() {
        PierProcess p = node.start("server", "--config", "pier.yaml");
        servers.add(p);
        await("the server to be ready").atMost(DEADLINE)
                .failFast(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("pier server exited: " + p.await(DEADLINE));
                    }
                    return false;
                })
                .ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return p;
    }

    private String signal(String env) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/signals"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"app":"demo","env":"%s","images":{"app":"ghcr.io/acme/demo/app:1.0.0"}}""".formatted(env))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("run_id").asText();
    }

    private JsonNode get(String id) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/runs/" + id)).GET());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<String> lines(String env) throws IOException {
        Path log = state.resolve(env + ".log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}

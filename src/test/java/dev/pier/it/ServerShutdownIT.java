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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to {@code pier server}: readiness fails and new signals are refused at once; an executing run that
 * ends within the grace period succeeds; runs still executing after it have their deployers stopped and are
 * recorded as interrupted, or queued again when their environment is idempotent.
 */
class ServerShutdownIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private PierProcess server;
    private Path state;
    private String token;
    private URI base;

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.kill();
        }
        if (state != null) {
            Files.writeString(state.resolve("release-all"), "");
        }
    }

    @Test
    void sigterm_lets_runs_finish_within_the_grace_period_and_interrupts_the_rest() throws Exception {
        Node node = new Node(dir);
        state = dir.resolve("state");
        Files.createDirectories(state);
        Path script = ServerProcess.blockingDeployer(node, state);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringBuilder yaml = new StringBuilder(ServerProcess.demoAppHead("""
                version: 1
                server:
                  port: %d
                  shutdown_grace: 4s""".formatted(port)));
        for (String env : List.of("quick", "plain", "retry")) {
            yaml.append("""
                          %s:
                            pin: as-given
                            orphan: stop
                            idempotent: %s
                            deployer:
                              type: command
                              timeout: 2m
                              commands:
                                - argv: ["%s", "{{run_id}}", "{{env}}"]
                    """.formatted(env, env.equals("retry"), script));
        }
        node.file("pier.yaml", yaml.toString());
        token = node.pier("token", "create", "--owner", "ci", "--scope", "admin").stdout().strip();
        base = URI.create("http://127.0.0.1:" + port);
        server = node.start("server", "--config", "pier.yaml");
        await("ready").atMost(DEADLINE).ignoreExceptions().until(() -> status("/readyz") == 200);

        String quick = signal("quick");
        String plain = signal("plain");
        String retry = signal("retry");
        await("all three deployers to start").atMost(DEADLINE).until(() -> Files.exists(state.resolve("quick.log"))
                && Files.exists(state.resolve("plain.log")) && Files.exists(state.resolve("retry.log")));

        server.terminate();
        await("readiness to fail").atMost(DEADLINE).until(() -> status("/readyz") == 503);
        HttpResponse<String> refused = post("quick");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        Files.writeString(state.resolve("release-quick"), ""); // ends within the grace period
        PierProcess.Result exited = server.await(DEADLINE);
        assertThat(exited.exitCode()).as(exited.toString()).isZero();

        assertThat(run(node, quick).get("status").asText()).isEqualTo("succeeded");
        JsonNode interrupted = run(node, plain);
        assertThat(interrupted.get("status_label").asText()).as(interrupted.toPrettyString())
                .isEqualTo("failed (interrupted)");
        assertThat(interrupted.at("/error/summary").asText()).contains("the server is shutting down");
        JsonNode requeued = run(node, retry);
        assertThat(requeued.get("status").asText()).as(requeued.toPrettyString()).isEqualTo("queued");
        assertThat(requeued.get("attempt").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(state.resolve("plain.log"))).containsExactly(plain);
    }

    private JsonNode run(Node node, String id) throws IOException {
        PierProcess.Result r = node.pier("run", id, "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isIn(0, 1, 5);
        return JSON.readTree(r.stdout());
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String signal(String env) throws Exception {
        HttpResponse<String> r = post(env);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("run_id").asText();
    }

    private HttpResponse<String> post(String env) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/v1/signals"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"app":"demo","env":"%s","images":{"app":"ghcr.io/acme/demo/app:1.0.0"}}""".formatted(env)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}

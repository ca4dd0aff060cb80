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
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run worker of a real {@code pier server} process, with deployers that block until the test releases them:
 * how many runs execute at once ({@code server.max_parallel_runs}), and what SIGTERM does to executing runs.
 */
class ServerWorkerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private Node node;
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

    /**
     * Starts a server whose app {@code demo} has the given environments (name → extra YAML lines), each deploying
     * with {@link ServerProcess#blockingDeployer}: it logs to {@code state/ENV.log} and waits for
     * {@code state/release-ENV}.
     */
    private void start(String serverLines, Map<String, String> environments) throws Exception {
        node = new Node(dir);
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
                """.formatted(port) + serverLines));
        environments.forEach((env, extra) -> yaml.append("""
                      %s:
                        pin: as-given
                        %s
                        deployer:
                          type: command
                          timeout: 2m
                          commands:
                            - argv: ["%s", "{{run_id}}", "{{env}}"]
                """.formatted(env, extra, script)));
        node.file("pier.yaml", yaml.toString());
        token = node.pier("token", "create", "--owner", "ci", "--scope", "admin").stdout().strip();
        base = URI.create("http://127.0.0.1:" + port);
        server = node.start("server", "--config", "pier.yaml");
        await("ready").atMost(DEADLINE).ignoreExceptions().until(() -> get("/readyz").statusCode() == 200);
    }

    @Test
    void sigterm_lets_runs_finish_within_the_grace_period_and_interrupts_the_rest() throws Exception {
        Map<String, String> envs = new LinkedHashMap<>();
        envs.put("quick", "orphan: stop");
        envs.put("plain", "orphan: stop");
        envs.put("retry", "orphan: stop\n        idempotent: true");
        start("  shutdown_grace: 4s", envs);

        String quick = signal("quick", "1.0.0");
        String plain = signal("plain", "1.0.0");
        String retry = signal("retry", "1.0.0");
        await("all three deployers to start").atMost(DEADLINE).until(() -> Files.exists(state.resolve("quick.log"))
                && Files.exists(state.resolve("plain.log")) && Files.exists(state.resolve("retry.log")));

        server.terminate();
        await("readiness to fail").atMost(DEADLINE).until(() -> get("/readyz").statusCode() == 503);
        HttpResponse<String> refused = post("quick", "1.0.0");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        Files.writeString(state.resolve("release-quick"), ""); // ends within the grace period
        PierProcess.Result exited = server.await(DEADLINE);
        assertThat(exited.exitCode()).as(exited.toString()).isZero();

        assertThat(run(quick).get("status").asText()).isEqualTo("succeeded");
        JsonNode interrupted = run(plain);
        assertThat(interrupted.get("status_label").asText()).as(interrupted.toPrettyString())
                .isEqualTo("failed (interrupted)");
        assertThat(interrupted.at("/error/summary").asText()).contains("the server is shutting down");
        JsonNode requeued = run(retry);
        assertThat(requeued.get("status").asText()).as(requeued.toPrettyString()).isEqualTo("queued");
        assertThat(requeued.get("attempt").asInt()).isEqualTo(2);
        assertThat(Files.readAllLines(state.resolve("plain.log"))).containsExactly(plain);
    }

    @Test
    void runs_beyond_max_parallel_runs_wait_queued_and_can_still_be_superseded() throws Exception {
        start("  max_parallel_runs: 1", Map.of("one", "", "two", ""));

        String first = signal("one", "1.0.0");
        await("the first deployer to start").atMost(DEADLINE).until(() -> Files.exists(state.resolve("one.log")));
        String waiting = signal("two", "1.0.0");
        // The one slot is taken: the other environment's run must not start in this window.
        JsonNode held = json(get("/api/v1/runs/" + waiting + "?wait=3s"));
        assertThat(held.get("status").asText()).as(held.toPrettyString()).isEqualTo("queued");
        String newer = signal("two", "1.0.1");
        assertThat(json(get("/api/v1/runs/" + waiting)).get("status").asText()).isEqualTo("superseded");
        assertThat(Files.exists(state.resolve("two.log"))).isFalse();

        Files.writeString(state.resolve("release-one"), "");
        Files.writeString(state.resolve("release-two"), "");
        assertThat(awaitEnd(first).get("status").asText()).isEqualTo("succeeded");
        assertThat(awaitEnd(newer).get("status").asText()).isEqualTo("succeeded");
        assertThat(Files.readAllLines(state.resolve("two.log"))).containsExactly(newer);
    }

    private JsonNode run(String id) throws IOException {
        PierProcess.Result r = node.pier("run", id, "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isIn(0, 1, 5);
        return JSON.readTree(r.stdout());
    }

    private JsonNode awaitEnd(String id) {
        return await("run " + id + " to end").atMost(DEADLINE).ignoreExceptions()
                .until(() -> json(get("/api/v1/runs/" + id + "?wait=10s")),
                        run -> !run.get("status").asText().matches("queued|deploying"));
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String signal(String env, String tag) throws Exception {
        HttpResponse<String> r = post(env, tag);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("run_id").asText();
    }

    private HttpResponse<String> post(String env, String tag) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/v1/signals"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"app":"demo","env":"%s","images":{"app":"ghcr.io/acme/demo/app:%s"}}""".formatted(env, tag)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}

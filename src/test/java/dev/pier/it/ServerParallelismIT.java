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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.max_parallel_runs}: with one slot, a run for another environment waits queued while a run
 * executes, a newer signal supersedes it there, and it starts once the slot frees.
 */
class ServerParallelismIT {

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
        if (state != null) {
            Files.writeString(state.resolve("release-all"), "");
        }
        if (server != null) {
            server.kill();
        }
    }

    @Test
    void runs_beyond_the_limit_wait_queued_and_can_still_be_superseded() throws Exception {
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
                  max_parallel_runs: 1""".formatted(port)));
        for (String env : new String[] {"one", "two"}) {
            yaml.append("""
                          %s:
                            pin: as-given
                            deployer:
                              type: command
                              timeout: 2m
                              commands:
                                - argv: ["%s", "{{run_id}}", "{{env}}"]
                    """.formatted(env, script));
        }
        node.file("pier.yaml", yaml.toString());
        token = node.pier("token", "create", "--owner", "ci", "--scope", "admin").stdout().strip();
        base = URI.create("http://127.0.0.1:" + port);
        server = node.start("server", "--config", "pier.yaml");
        await("ready").atMost(DEADLINE).ignoreExceptions().until(() -> get("/readyz").statusCode() == 200);

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
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/signals"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"app":"demo","env":"%s","images":{"app":"ghcr.io/acme/demo/app:%s"}}""".formatted(env, tag)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("run_id").asText();
    }
}

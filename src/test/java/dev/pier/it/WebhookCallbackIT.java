package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.fakes.FakeLightway;
import dev.pier.fakes.Hmac;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook deployer's callback path through a real {@code pier server} process: the server POSTs the release to
 * a Lightway-like receiver, which then reports back on {@code POST /api/v1/runs/{id}/callback}, signed with the
 * environment's webhook secret. Bad signatures and stale timestamps get 401, a replay and a run that no longer waits
 * get 409, and the key never reaches the run or the database.
 */
class WebhookCallbackIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String KEY = "callback-hmac-canary-5e19aa";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeLightway lightway;
    private PierProcess server;
    private Node node;
    private URI base;
    private String token;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.kill();
        }
        if (lightway != null) {
            lightway.close();
        }
    }

    @Test
    void a_signed_callback_ends_the_run_and_forged_stale_replayed_or_late_ones_are_refused() throws Exception {
        lightway = new FakeLightway(KEY).answerDeploy(202, "{\"status\": \"queued\"}");
        startServer();
        String id = signal();
        await("the release to reach the receiver").atMost(DEADLINE).until(() -> !lightway.received("POST").isEmpty());
        JsonNode delivered = lightway.received("POST").get(0).json();
        URI callback = URI.create(delivered.path("callback_url").asText());
        assertThat(callback).isEqualTo(base.resolve("/api/v1/runs/" + id + "/callback"));
        assertThat(delivered.path("run_id").asText()).isEqualTo(id);

        String delivery = delivered.path("delivery").asText();
        String now = Long.toString(Instant.now().getEpochSecond());
        String running = body(id, delivery, "\"status\": \"running\", \"message\": \"2 of 3 pods\"");
        assertThat(callback(callback, now, running, "sha256=" + "0".repeat(64)).statusCode()).isEqualTo(401);
        String stale = Long.toString(Instant.now().minusSeconds(600).getEpochSecond());
        HttpResponse<String> old = callback(callback, stale, running, Hmac.sign(KEY, stale, running));
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(old.body()).contains("window");
        String otherRun = running.replace(id, "01HZZZZZZZZZZZZZZZZZZZZZZZ");
        assertThat(callback(callback, now, otherRun, Hmac.sign(KEY, now, otherRun)).statusCode())
                .as("a signed body for another run").isEqualTo(400);
        String earlier = body(id, "delivery-of-an-earlier-attempt", "\"status\": \"succeeded\"");
        HttpResponse<String> wrongAttempt = callback(callback, now, earlier, Hmac.sign(KEY, now, earlier));
        assertThat(wrongAttempt.statusCode()).isEqualTo(409);
        assertThat(wrongAttempt.body()).contains("another delivery");

        String signature = Hmac.sign(KEY, now, running);
        assertThat(callback(callback, now, running, signature).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = callback(callback, now, running, signature);
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(replay.body()).contains("replayed");
        assertThat(run(id).path("status").asText()).isEqualTo("deploying");

        String done = body(id, delivery, "\"status\": \"succeeded\", \"deployed_url\": \"https://demo.acme.example\"");
        assertThat(callback(callback, now, done, Hmac.sign(KEY, now, done)).statusCode()).isEqualTo(200);
        await("the run to succeed").atMost(DEADLINE).until(() -> run(id).path("terminal").asBoolean());
        JsonNode finished = run(id);
        assertThat(finished.path("status").asText()).as(finished.toPrettyString()).isEqualTo("succeeded");
        assertThat(finished.at("/result/deployed_url").asText()).isEqualTo("https://demo.acme.example");
        assertThat(finished.toString()).contains("callback: running: 2 of 3 pods");

        String late = body(id, delivery, "\"status\": \"failed\"");
        HttpResponse<String> notWaiting = callback(callback, now, late, Hmac.sign(KEY, now, late));
        assertThat(notWaiting.statusCode()).isEqualTo(409);
        assertThat(notWaiting.body()).contains("not waiting");
        assertThat(callback(base.resolve("/api/v1/runs/01HNOSUCHRUN0000000000000/callback"), now, late,
                Hmac.sign(KEY, now, late)).statusCode()).isEqualTo(404);

        assertThat(finished.toString()).doesNotContain(KEY);
        assertThat(send(HttpRequest.newBuilder(base.resolve("/api/v1/runs/" + id + "/log")).GET()).body())
                .contains("callback").doesNotContain(KEY);
        server.terminate();
        server.await(DEADLINE);
        try (Stream<Path> files = Files.list(node.home)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("pier.db")).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(KEY);
            }
        }
    }

    private void startServer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        node = new Node(dir);
        node.file("pier.yaml", """
                version: 1
                server:
                  port: %d
                  shutdown_grace: 2s
                secrets:
                  lightway_key: { env: LIGHTWAY_KEY }
                apps:
                  demo:
                    artifact: none
                    sources: [{ registry: ghcr.io, orgs: [acme] }]
                    components:
                      app: { required: true }
                    environments:
                      production:
                        pin: as-given
                        deployer:
                          type: webhook
                          url: %s
                          secret: lightway_key
                          status: callback
                          timeout: 2m
                """.formatted(port, lightway.url()));
        PierProcess.Result created = node.pier("token", "create", "--owner", "ci", "--scope", "admin");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        token = created.stdout().strip();
        base = URI.create("http://127.0.0.1:" + port);
        Map<String, String> env = node.env();
        env.put("LIGHTWAY_KEY", KEY);
        server = PierProcess.start(env, dir, "server", "--config", "pier.yaml");
        await("the server to be ready").atMost(DEADLINE)
                .failFast("pier server exited", () -> !server.isAlive())
                .ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private String signal() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/signals"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"app\":\"demo\",\"env\":\"production\",\"images\":{\"app\":\"ghcr.io/acme/demo/app:1.0.0\"}}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).get("run_id").asText();
    }

    private static String body(String run, String delivery, String fields) {
        return "{\"run_id\": \"" + run + "\", \"delivery\": \"" + delivery + "\", " + fields + "}";
    }

    /** A callback as the receiver sends it: no bearer token, only the signature. */
    private HttpResponse<String> callback(URI url, String timestamp, String body, String signature) throws Exception {
        return http.send(HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .header("X-Pier-Timestamp", timestamp).header("X-Pier-Signature", signature)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode run(String id) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/runs/" + id)).GET());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

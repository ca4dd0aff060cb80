package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code pier server --port 0} as a real process on a {@link Node}, and an HTTP client for its API. The port
 * is read from the server's start-up log line on stderr (the stdout line {@code pier server listening on URL}
 * is checked when the server stops: {@link PierProcess} hands out stdout only then). Every response body the
 * tests receive is kept, so a test can show that a value never appeared in any of them.
 */
final class ServerProcess implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("\"msg\":\"listening\",\"url\":\"(http://[^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    final Node node;
    final PierProcess process;
    final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private PierProcess.Result result;

    private ServerProcess(Node node, PierProcess process, URI base) {
        this.node = node;
        this.process = process;
        this.base = base;
    }

    /** Starts the server on {@code node}'s {@code pier.yaml}, with {@code extraEnv} added to its environment. */
    static ServerProcess start(Node node, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(node.env());
        env.putAll(extraEnv);
        PierProcess p = PierProcess.start(env, node.dir, "server", "--config", "pier.yaml", "--port", "0");
        try {
            await("pier server to listen").atMost(START).pollInterval(Duration.ofMillis(50))
                    .failFast("pier server exited before it listened", () -> !p.isAlive())
                    .until(() -> LISTENING.matcher(p.stderrSoFar()).find());
        } catch (RuntimeException | AssertionError e) {
            p.kill();
            throw new AssertionError("pier server did not start; stderr:\n" + p.stderrSoFar(), e);
        }
        Matcher m = LISTENING.matcher(p.stderrSoFar());
        m.find();
        return new ServerProcess(node, p, URI.create(m.group(1)));
    }

    record Response(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + body;
        }
    }

    Response get(String path, String token) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), token);
    }

    Response post(String path, String token, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    Response send(String method, String path, String token) {
        return send(HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody()),
                token);
    }

    Response send(HttpRequest.Builder request, String token) {
        request.timeout(Duration.ofSeconds(70));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            bodies.add(r.body());
            r.headers().map().forEach((k, v) -> bodies.add(k + ": " + String.join(", ", v)));
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a signal; the body is the JSON text. */
    Response signal(String token, String json) {
        return post("/api/v1/signals", token, json);
    }

    JsonNode run(String id, String token) {
        Response r = get("/api/v1/runs/" + id, token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** Follows the run with long polls until its status is one of {@code statuses}. */
    JsonNode awaitStatus(String id, String token, Duration deadline, String... statuses) {
        Set<String> wanted = Set.of(statuses);
        JsonNode[] last = new JsonNode[1];
        await("run " + id + " to be " + wanted).atMost(deadline).pollInterval(Duration.ofMillis(10))
                .failFast("pier server exited", () -> !process.isAlive())
                .until(() -> {
                    Response r = get("/api/v1/runs/" + id + "?wait=2s", token);
                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                    last[0] = r.json();
                    return wanted.contains(last[0].path("status").asText());
                });
        return last[0];
    }

    /** Every response body and header line the tests received from this server so far. */
    List<String> responses() {
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }

    /** SIGTERM, and the server's whole output once it exited. Idempotent. */
    PierProcess.Result stop() {
        if (result == null) {
            process.terminate();
            result = process.await(Duration.ofSeconds(60));
            assertThat(result.stdout()).as(result.toString()).contains("pier server listening on " + base);
        }
        return result;
    }

    @Override
    public void close() {
        try {
            if (result == null && process.isAlive()) {
                stop();
            }
        } finally {
            if (process.isAlive()) {
                process.kill();
            }
        }
    }

    /** A token made with {@code pier token create -o json}: its id, owner and secret. */
    record Token(String id, String owner, String secret) {}

    /**
     * Creates tokens with the CLI against the node's store, all at once (one pier process each).
     *
     * @param specs each the arguments after {@code pier token create}, e.g. {@code --owner alice --scope admin}
     */
    static List<Token> tokens(Node node, List<List<String>> specs) {
        List<PierProcess> started = new ArrayList<>();
        for (List<String> spec : specs) {
            List<String> args = new ArrayList<>(List.of("token", "create", "-o", "json"));
            args.addAll(spec);
            started.add(node.start(args.toArray(String[]::new)));
        }
        List<Token> out = new ArrayList<>();
        for (PierProcess p : started) {
            PierProcess.Result r = p.await(Duration.ofMinutes(1));
            assertThat(r.exitCode()).as(r.toString()).isZero();
            try {
                JsonNode n = JSON.readTree(r.stdout());
                out.add(new Token(n.get("id").asText(), n.get("owner").asText(), n.get("token").asText()));
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + r, e);
            }
        }
        return out;
    }

    static Token token(Node node, String... spec) {
        return tokens(node, List.of(List.of(spec))).get(0);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A config's head: {@code top} (a {@code server:} or {@code secrets:} section), then app {@code demo}
     * ({@code artifact: none}, component {@code app}, sources ghcr.io/acme) up to its {@code environments:} key.
     */
    static String demoAppHead(String top) {
        return top + """

                apps:
                  demo:
                    artifact: none
                    sources:
                      - registry: ghcr.io
                        orgs: [acme]
                    components:
                      app: { required: true }
                    environments:
                """;
    }

    /**
     * A deployer script taking the run id and environment: it appends the run id to {@code state/ENV.log}, then
     * waits until {@code state/release-ENV} or {@code state/release-all} exists.
     */
    static java.nio.file.Path blockingDeployer(Node node, java.nio.file.Path state) {
        return node.script("deployer.sh", """
                #!/bin/bash
                echo "$1" >> '%1$s'/"$2".log
                while [ ! -f '%1$s'/release-"$2" ] && [ ! -f '%1$s'/release-all ]; do sleep 0.05; done
                """.formatted(state));
    }

    /** One environment of the demo app as YAML: as-given pins, a deployed_url, and a command deployer. */
    static String commandEnvironment(String env, String extra, java.nio.file.Path deployer) {
        return """
                      %s:
                        pin: as-given
                        deployed_url: "https://{{app}}-{{env}}.example.test"
                        %s
                        deployer:
                          type: command
                          timeout: 1m
                          commands:
                            - argv: ["%s", "{{images.app}}"]
                """.formatted(env, extra, deployer);
    }
}

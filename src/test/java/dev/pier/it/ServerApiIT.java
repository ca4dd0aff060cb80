package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.it.ServerProcess.Response;
import dev.pier.it.ServerProcess.Token;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API of a real {@code pier server} process: the open endpoints, authentication and scopes, the signal
 * contract (the same violations as {@code pier deploy}), following runs with long polls, results and error
 * reports, supersede, cancel, the environments view, and a secret that must never leave the deployer.
 *
 * <p>One server for the class. Each test uses its own environment of app {@code demo}, so the runs of one test
 * never queue behind another's. The deployer script takes the image reference as its argument and acts on its
 * tag: {@code fail*} fails, {@code block*} waits for {@code $state/release-<tag>}, anything else succeeds.
 */
class ServerApiIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String REPO = "ghcr.io/acme/demo/app";
    private static final List<String> ENVIRONMENTS = List.of("staging", "production", "preview", "qa", "canary");
    private static final List<String> STATUSES = List.of("queued", "awaiting_approval", "deploying", "verifying",
            "succeeded", "failed", "rejected", "superseded", "cancelled");
    /** Every route PierServer serves; the OpenAPI document must list exactly these. */
    private static final Set<String> ROUTES = Set.of(
            "GET /healthz", "GET /readyz", "GET /metrics", "GET /api/v1/openapi.json",
            "POST /api/v1/signals", "GET /api/v1/runs", "GET /api/v1/runs/{id}", "GET /api/v1/runs/{id}/log",
            "POST /api/v1/runs/{id}/approve", "POST /api/v1/runs/{id}/reject", "POST /api/v1/runs/{id}/cancel",
            "GET /api/v1/environments", "GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/{id}",
            "POST /api/v1/runs/{id}/callback");

    /** Authenticated by the environment's webhook HMAC, not a bearer token (WebhookCallbackIT covers it). */
    private static final String CALLBACK = "POST /api/v1/runs/{id}/callback";

    /** The node secret the deployer of every environment gets as $CANARY_VALUE and prints. */
    private static final String SECRET = "canary-" + HexFormat.of().formatHex(UUID.randomUUID().toString()
            .getBytes(StandardCharsets.US_ASCII), 0, 12);

    @TempDir
    static Path dir;

    static Node node;
    static Path state;
    static ServerProcess server;
    static String metricsAtStart;
    static Token admin;
    static Token stagingSignaller;
    static Token approver;
    /** May signal preview, qa and canary, where runs queue behind blocked ones. */
    static Token previewSignaller;

    @BeforeAll
    static void start() throws IOException {
        node = new Node(dir);
        state = Files.createDirectories(dir.resolve("state"));
        Path deployer = node.script("deployer", """
                #!/bin/bash
                set -u
                state='%s'
                ref="$1"
                tag="${ref##*:}"
                echo "$PIER_ENV $tag" >> "$state/invocations"
                echo "deploying $ref to $PIER_ENV"
                echo "canary: $CANARY_VALUE"
                printf '%%s' "$CANARY_VALUE" | base64
                echo "canary on stderr: $CANARY_VALUE" >&2
                printf '%%s' "$CANARY_VALUE" | sha256sum | cut -d' ' -f1 > "$state/canary-$PIER_RUN_ID"
                case "$tag" in
                  fail*)
                    echo "step one done"
                    echo "boom: the rollout of $tag broke" >&2
                    exit 3 ;;
                  block*)
                    touch "$state/started-$tag"
                    while [ ! -e "$state/release-$tag" ]; do sleep 0.02; done ;;
                esac
                echo "deployed $tag"
                """.formatted(state));
        StringBuilder yaml = new StringBuilder(ServerProcess.demoAppHead("""
                version: 1
                secrets:
                  canary: { env: PIER_IT_CANARY }
                """));
        for (String env : ENVIRONMENTS) {
            yaml.append("""
                          %s:
                            pin: as-given
                            deployed_url: "https://{{app}}-{{env}}.example.test"
                            deployer:
                              type: command
                              timeout: 1m
                              env:
                                CANARY_VALUE: { secret: canary }
                              commands:
                                - argv: ["%s", "{{images.app}}"]
                    """.formatted(env, deployer));
        }
        node.file("pier.yaml", yaml.toString());
        server = ServerProcess.start(node, Map.of("PIER_IT_CANARY", SECRET));
        metricsAtStart = server.get("/metrics", null).body();
        List<Token> t = ServerProcess.tokens(node, List.of(
                List.of("--owner", "root", "--scope", "admin"),
                List.of("--owner", "ci-demo", "--scope", "signal:demo/staging"),
                List.of("--owner", "alice", "--scope", "approve:demo/*"),
                List.of("--owner", "ci-preview", "--scope", "signal:demo/preview", "--scope", "signal:demo/qa",
                        "--scope", "signal:demo/canary")));
        admin = t.get(0);
        stagingSignaller = t.get(1);
        approver = t.get(2);
        previewSignaller = t.get(3);
    }

    @AfterAll
    static void stop() throws IOException {
        if (server == null) {
            return;
        }
        try {
            // A test that failed midway may have left a deployer waiting: let it end rather than wait out the grace.
            try (Stream<Path> files = Files.list(state)) {
                for (Path started : files.filter(f -> f.getFileName().toString().startsWith("started-")).toList()) {
                    release(started.getFileName().toString().substring("started-".length()));
                }
            }
            PierProcess.Result r = server.stop();
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertNoSecret("the server's stdout", r.stdout());
            assertNoSecret("the server's stderr", r.stderr());
            for (String body : server.responses()) {
                assertNoSecret("an API response", body);
            }
            assertNoSecretInStore();
        } finally {
            server.close();
        }
    }

    static String images(String tag) {
        return "{\"app\":\"" + REPO + ":" + tag + "\"}";
    }

    static String signalBody(String env, String imagesJson) {
        return ServerProcess.write(Map.of("app", "demo", "env", env, "images", imagesJson));
    }

    static String signal(Token token, String env, String tag) {
        Response r = server.signal(token.secret(), signalBody(env, images(tag)));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("run_id").asText();
    }

    static List<String> invocations(String env) {
        Path p = state.resolve("invocations");
        if (!Files.exists(p)) {
            return List.of();
        }
        try {
            return Files.readAllLines(p).stream().filter(l -> l.startsWith(env + " "))
                    .map(l -> l.substring(env.length() + 1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitStarted(String tag) {
        await("the deployer of " + tag + " to start").atMost(DEADLINE)
                .until(() -> Files.exists(state.resolve("started-" + tag)));
    }

    static void release(String tag) throws IOException {
        Files.writeString(state.resolve("release-" + tag), "");
    }

    @Test
    void health_readiness_and_every_metric_series_from_the_start() {
        Response health = server.get("/healthz", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("ok");
        Response ready = server.get("/readyz", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");

        Response metrics = server.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("text/plain"));
        String m = metricsAtStart;
        for (String status : STATUSES) {
            assertThat(m).as("pier_runs for %s at start", status).containsPattern(
                    "(?m)^pier_runs\\{status=\"" + status + "\"} 0\\.0$");
        }
        for (String env : ENVIRONMENTS) {
            assertThat(m).as("queue depth of %s at start", env).containsPattern(
                    "(?m)^pier_queue_depth\\{app=\"demo\",environment=\"" + env + "\"} 0\\.0$");
        }
        for (String outcome : List.of("2xx", "3xx", "4xx", "5xx", "error")) {
            assertThat(m).containsPattern("(?m)^pier_registry_requests_total\\{outcome=\"" + outcome
                    + "\",registry=\"ghcr.io\"} 0\\.0$");
        }
        for (String status : List.of("succeeded", "failed", "rejected", "superseded", "cancelled")) {
            assertThat(m).as("duration histogram of %s runs at start", status)
                    .containsPattern("(?m)^pier_run_duration_seconds_bucket\\{status=\"" + status
                            + "\",le=\"[0-9.]+\"} 0$")
                    .containsPattern("(?m)^pier_run_duration_seconds_bucket\\{status=\"" + status
                            + "\",le=\"\\+Inf\"} 0$")
                    .containsPattern("(?m)^pier_run_duration_seconds_count\\{status=\"" + status + "\"} 0$");
        }
        assertThat(m.lines().filter(l -> !l.startsWith("#") && !l.isBlank()))
                .as("every series is Pier's own").allMatch(l -> l.startsWith("pier_"));
    }

    @Test
    void the_openapi_document_is_open_and_lists_exactly_the_routes_the_server_serves() {
        Response r = server.get("/api/v1/openapi.json", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("application/json"));
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asText()).startsWith("3.1");
        Set<String> documented = new TreeSet<>();
        doc.get("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            if (Set.of("get", "post", "put", "patch", "delete", "head").contains(op.getKey())) {
                documented.add(op.getKey().toUpperCase() + " " + p.getKey());
            }
        }));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(ROUTES);

        // Each documented operation is served: never "no such endpoint" nor 405. Without a token every one
        // under /api/v1 but the document itself is refused with 401.
        for (String route : documented) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replace("{id}", "x");
            Response answer = method.equals("POST") ? server.post(path, null, "{}") : server.send(method, path, null);
            if (route.equals(CALLBACK)) {
                assertThat(answer.status()).as(route + ": " + answer).isIn(401, 404);
                assertThat(answer.json().get("message").asText()).doesNotContain("no such endpoint");
                continue;
            }
            assertThat(answer.status()).as(route + ": " + answer).isNotIn(404, 405);
            if (path.startsWith("/api/v1/") && !path.equals("/api/v1/openapi.json")) {
                assertThat(answer.status()).as(route + " without a token: " + answer).isEqualTo(401);
                assertThat(answer.json().get("error").asText()).isEqualTo("unauthorized");
            }
        }
        Response unknown = server.get("/api/v1/nothing-here", null);
        assertThat(unknown.status()).as("the probe tells served from unserved").isEqualTo(404);
    }

    @Test
    void garbage_revoked_and_expired_tokens_are_refused_with_401() throws Exception {
        List<Token> t = ServerProcess.tokens(node, List.of(
                List.of("--owner", "dora", "--scope", "signal:demo/*"),
                List.of("--owner", "eve", "--scope", "admin", "--expires", "1s")));
        Token revoked = t.get(0);
        Token expired = t.get(1);
        assertThat(server.get("/api/v1/runs", revoked.secret()).status()).as("a live token works").isEqualTo(200);

        PierProcess.Result revoke = node.pier("token", "revoke", revoked.id());
        assertThat(revoke.exitCode()).as(revoke.toString()).isZero();

        String garbage = "pier_tok" + "a".repeat(12) + "_" + "0".repeat(64);
        String tampered = admin.secret().substring(0, admin.secret().length() - 1)
                + (admin.secret().endsWith("0") ? "1" : "0");
        // The expired token is past its 1s lifetime once the token list says so.
        await("the 1s token to expire").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> tokenState(expired.id()).equals("expired"));
        assertThat(tokenState(revoked.id())).isEqualTo("revoked");
        for (String bad : List.of(garbage, "not-a-token", tampered, revoked.secret(), expired.secret())) {
            for (Response r : List.of(server.get("/api/v1/runs", bad), server.get("/api/v1/environments", bad),
                    server.signal(bad, signalBody("staging", images("never"))),
                    server.get("/api/v1/tokens", bad))) {
                assertThat(r.status()).as(bad + ": " + r).isEqualTo(401);
                assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
            }
        }
        Response basic = server.send(java.net.http.HttpRequest.newBuilder(server.base.resolve("/api/v1/runs"))
                .header("Authorization", "Basic cm9vdDpyb290").GET(), null);
        assertThat(basic.status()).isEqualTo(401);
        assertThat(invocations("staging")).doesNotContain("never");
    }

    static String tokenState(String id) {
        Response r = server.get("/api/v1/tokens", admin.secret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (JsonNode n : r.json().get("tokens")) {
            if (n.get("id").asText().equals(id)) {
                return n.get("state").asText();
            }
        }
        throw new AssertionError("no token " + id + " in " + r);
    }

    @Test
    void tokens_are_held_to_their_scopes_with_403() {
        Response production = server.signal(stagingSignaller.secret(), signalBody("production", images("p1")));
        assertThat(production.status()).as(production.toString()).isEqualTo(403);
        assertThat(production.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(production.json().get("message").asText()).contains("demo/production");

        Response approverSignals = server.signal(approver.secret(), signalBody("staging", images("a1")));
        assertThat(approverSignals.status()).as(approverSignals.toString()).isEqualTo(403);

        Response tokens = server.get("/api/v1/tokens", stagingSignaller.secret());
        assertThat(tokens.status()).as("only admins manage tokens").isEqualTo(403);
        Response create = server.post("/api/v1/tokens", approver.secret(),
                "{\"owner\":\"mallory\",\"scopes\":[\"admin\"]}");
        assertThat(create.status()).isEqualTo(403);

        assertThat(invocations("staging")).doesNotContain("a1");
        assertThat(invocations("production")).doesNotContain("p1");

        // Reading is held to the scope too: a run elsewhere is neither shown nor listed, nor does it take the
        // place of a run the token sees in a page of the list.
        String own = signal(stagingSignaller, "staging", "scoped-0");
        String elsewhere = signal(admin, "production", "scoped-1");
        assertThat(server.get("/api/v1/runs/" + elsewhere, stagingSignaller.secret()).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/runs/" + elsewhere + "/log", stagingSignaller.secret()).status())
                .isEqualTo(403);
        assertThat(server.post("/api/v1/runs/" + elsewhere + "/cancel", stagingSignaller.secret(), "").status())
                .isEqualTo(403);
        assertThat(server.get("/api/v1/runs/" + elsewhere, approver.secret()).status())
                .as("approve:demo/* sees every demo run").isEqualTo(200);
        Response listed = server.get("/api/v1/runs?limit=500", stagingSignaller.secret());
        assertThat(listed.json().get("runs")).extracting(r -> r.get("environment").asText())
                .containsOnly("staging");
        Response newest = server.get("/api/v1/runs?limit=1", stagingSignaller.secret());
        assertThat(newest.json().get("runs")).as("the newest run the token sees, though a newer one exists")
                .extracting(r -> r.get("id").asText()).containsExactly(own);
        Response envs = server.get("/api/v1/environments", stagingSignaller.secret());
        assertThat(envs.json().get("environments")).extracting(e -> e.get("environment").asText())
                .containsExactly("staging");
    }

    @Test
    void a_signal_is_accepted_with_202_and_its_run_ends_with_the_deployed_url_and_digests() {
        String digest = "sha256:" + "ab".repeat(32);
        Response r = server.signal(stagingSignaller.secret(),
                signalBody("staging", "{\"app\":\"" + REPO + "@" + digest + "\"}"));

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonNode accepted = r.json();
        String id = accepted.get("run_id").asText();
        assertThat(id).isNotBlank();
        assertThat(accepted.get("url").asText()).isEqualTo(server.base + "/api/v1/runs/" + id);
        assertThat(r.headers().firstValue("Location")).hasValue(accepted.get("url").asText());
        assertThat(accepted.get("environment").asText()).isEqualTo("staging");

        JsonNode run = server.awaitStatus(id, stagingSignaller.secret(), DEADLINE, "succeeded", "failed");
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("succeeded");
        assertThat(run.get("deployed_url").asText()).isEqualTo("https://demo-staging.example.test");
        assertThat(run.at("/result/deployed_url").asText()).isEqualTo("https://demo-staging.example.test");
        assertThat(run.at("/result/digests/app").asText()).as(run.toPrettyString()).isEqualTo(digest);
        assertThat(run.at("/signal/actor").asText()).isEqualTo("ci-demo");
        assertThat(run.at("/signal/origin").asText()).isEqualTo("api");
        assertThat(run.get("history")).extracting(h -> h.get("to").asText())
                .containsExactly("queued", "deploying", "succeeded");

        Response list = server.get("/api/v1/runs?env=staging", approver.secret());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("runs")).extracting(n -> n.get("id").asText()).contains(id);
        Response log = server.get("/api/v1/runs/" + id + "/log", stagingSignaller.secret());
        assertThat(log.status()).isEqualTo(200);
        assertThat(log.json().get("lines")).extracting(l -> l.get("text").asText())
                .contains("deploying " + REPO + "@" + digest + " to staging");
    }

    @Test
    void a_long_poll_returns_when_the_status_changes_and_bad_reads_are_refused() throws Exception {
        Token ci = previewSignaller;
        String id = signal(ci, "canary", "block-poll");
        awaitStarted("block-poll");
        server.awaitStatus(id, ci.secret(), DEADLINE, "deploying");

        // Nothing changes: the poll holds for its whole wait and answers the same status.
        long t0 = System.nanoTime();
        Response unchanged = server.get("/api/v1/runs/" + id + "?wait=1s", ci.secret());
        long heldMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(unchanged.json().get("status").asText()).isEqualTo("deploying");
        assertThat(heldMillis).as("a long poll with no change waits for it").isGreaterThanOrEqualTo(900);

        // A change ends it at once, well before its 10s.
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(
                () -> server.get("/api/v1/runs/" + id + "?wait=10s", ci.secret()));
        long t1 = System.nanoTime();
        release("block-poll");
        Response changed = poll.get(20, TimeUnit.SECONDS);
        assertThat((System.nanoTime() - t1) / 1_000_000).as("answered when the status changed").isLessThan(8_000);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().get("status").asText()).isIn("verifying", "succeeded");

        Response bogus = server.get("/api/v1/runs/" + id + "?wait=bogus", ci.secret());
        assertThat(bogus.status()).as(bogus.toString()).isEqualTo(400);
        assertThat(bogus.json().get("message").asText()).contains("wait");

        Response unknown = server.get("/api/v1/runs/01nosuchrun0000000000000000", ci.secret());
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(server.get("/api/v1/runs/01nosuchrun0000000000000000/log", admin.secret()).status())
                .isEqualTo(404);
        assertThat(server.post("/api/v1/runs/01nosuchrun0000000000000000/cancel", admin.secret(), "").status())
                .isEqualTo(404);
    }

    @Test
    void a_failed_deploy_reports_the_step_exit_code_last_log_lines_and_a_summary() {
        String id = signal(stagingSignaller, "staging", "fail-1");

        JsonNode run = server.awaitStatus(id, stagingSignaller.secret(), DEADLINE, "succeeded", "failed");

        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("failed");
        assertThat(run.get("terminal").asBoolean()).isTrue();
        assertThat(run.has("result")).as("no result on failure").isFalse();
        JsonNode error = run.get("error");
        assertThat(error.get("kind").asText()).isEqualTo("deploy_failed");
        assertThat(error.get("step").asText()).startsWith("command 1/1");
        assertThat(error.get("exit_code").asInt()).isEqualTo(3);
        assertThat(error.get("summary").asText()).contains("exited with code 3");
        assertThat(error.get("log_tail")).extracting(JsonNode::asText)
                .anySatisfy(l -> assertThat(l).contains("step one done"))
                .anySatisfy(l -> assertThat(l).contains("boom: the rollout of fail-1 broke"));
        assertThat(run.get("log_tail")).extracting(l -> l.get("text").asText())
                .contains("boom: the rollout of fail-1 broke");
    }

    @Test
    void an_invalid_signal_is_refused_with_400_and_the_violations_pier_deploy_prints() {
        // Few cases, each with several violations: every case costs a pier process.
        List<String[]> cases = List.of(
                new String[] {"staging", "{\"app\":\"ghcr.io.evil.com/acme/demo/app:bad tag; rm -rf /\","
                        + "\"x\":\"docker.io/evil/app:latest\"}"},
                new String[] {"nowhere", "not json"});
        // The CLI runs are independent of the server: start them all, then compare.
        List<PierProcess> cli = new ArrayList<>();
        for (String[] c : cases) {
            cli.add(node.start("deploy", "--config", "pier.yaml", "--app", "demo", "--env", c[0],
                    "--images", c[1], "-o", "json"));
        }
        for (int i = 0; i < cases.size(); i++) {
            String[] c = cases.get(i);
            Response api = server.signal(stagingSignaller.secret(), signalBody(c[0], c[1]));
            PierProcess.Result local = cli.get(i).await(Duration.ofMinutes(1));

            assertThat(local.exitCode()).as(local.toString()).isEqualTo(2);
            assertThat(api.status()).as(api.toString()).isEqualTo(400);
            JsonNode body = api.json();
            assertThat(body.get("error").asText()).isEqualTo("invalid_signal");
            JsonNode violations = body.get("violations");
            assertThat(violations).as(api.toString()).isNotEmpty();
            assertThat(violations).as("API vs pier deploy for %s %s", c[0], c[1])
                    .isEqualTo(ServerProcess.json(local.stdout()).get("violations"));
        }
        Response notAnObject = server.signal(stagingSignaller.secret(), "[1,2]");
        assertThat(notAnObject.status()).isEqualTo(400);
        Response unknownField = server.signal(stagingSignaller.secret(),
                "{\"app\":\"demo\",\"env\":\"staging\",\"images\":\"{}\",\"command\":\"rm -rf /\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().get("message").asText()).contains("command");
        assertThat(invocations("nowhere")).isEmpty();
    }

    @Test
    void newer_signals_supersede_queued_runs_and_only_the_newest_deploys_after_the_running_one() throws Exception {
        String running = signal(previewSignaller, "preview", "block-p0");
        awaitStarted("block-p0");

        String first = signal(previewSignaller, "preview", "p1");
        Response second = server.signal(previewSignaller.secret(), signalBody("preview", images("p2")));
        Response third = server.signal(previewSignaller.secret(), signalBody("preview", images("p3")));
        String secondId = second.json().get("run_id").asText();
        String thirdId = third.json().get("run_id").asText();
        assertThat(second.json().get("superseded")).extracting(JsonNode::asText).containsExactly(first);
        assertThat(third.json().get("superseded")).extracting(JsonNode::asText).containsExactly(secondId);

        JsonNode p1 = server.run(first, admin.secret());
        JsonNode p2 = server.run(secondId, admin.secret());
        assertThat(p1.get("status").asText()).isEqualTo("superseded");
        assertThat(p1.get("superseded_by").asText()).isEqualTo(secondId);
        assertThat(p2.get("status").asText()).isEqualTo("superseded");
        assertThat(p2.get("superseded_by").asText()).isEqualTo(thirdId);
        assertThat(server.run(thirdId, admin.secret()).get("status").asText()).isEqualTo("queued");

        // What the environments view shows meanwhile.
        JsonNode preview = environment("preview");
        assertThat(preview.at("/in_progress/run_id").asText()).as(preview.toPrettyString()).isEqualTo(running);
        assertThat(preview.at("/in_progress/status").asText()).isEqualTo("deploying");
        assertThat(preview.get("queue")).extracting(q -> q.get("run_id").asText()).containsExactly(thirdId);
        assertThat(preview.get("current").isNull()).as("nothing succeeded here yet").isTrue();
        assertThat(server.get("/metrics", null).body())
                .contains("pier_queue_depth{app=\"demo\",environment=\"preview\"} 1.0");

        release("block-p0");
        assertThat(server.awaitStatus(running, admin.secret(), DEADLINE, "succeeded", "failed").get("status")
                .asText()).isEqualTo("succeeded");
        JsonNode newest = server.awaitStatus(thirdId, admin.secret(), DEADLINE, "succeeded", "failed");
        assertThat(newest.get("status").asText()).isEqualTo("succeeded");
        assertThat(invocations("preview")).containsExactly("block-p0", "p3");

        JsonNode after = environment("preview");
        assertThat(after.at("/current/run_id").asText()).isEqualTo(thirdId);
        assertThat(after.at("/current/deployed_url").asText()).isEqualTo("https://demo-preview.example.test");
        assertThat(after.get("in_progress").isNull()).isTrue();
        assertThat(after.get("queue")).isEmpty();
    }

    static JsonNode environment(String env) {
        Response r = server.get("/api/v1/environments", admin.secret());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (JsonNode n : r.json().get("environments")) {
            if (n.get("app").asText().equals("demo") && n.get("environment").asText().equals(env)) {
                return n;
            }
        }
        throw new AssertionError("no demo/" + env + " in " + r);
    }

    @Test
    void a_queued_run_is_cancelled_an_executing_one_is_stopped_and_a_finished_one_is_a_conflict() throws Exception {
        Token qa = previewSignaller;
        String running = signal(qa, "qa", "block-q0");
        awaitStarted("block-q0");
        String queued = signal(qa, "qa", "q1");
        assertThat(environment("qa").get("queue")).extracting(q -> q.get("run_id").asText()).containsExactly(queued);

        Response cancel = server.post("/api/v1/runs/" + queued + "/cancel", qa.secret(), "");
        assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
        assertThat(cancel.json().get("status").asText()).isEqualTo("cancelled");
        assertThat(cancel.json().at("/error/summary").asText()).contains("cancelled by ci-preview");
        assertThat(environment("qa").get("queue")).isEmpty();

        Response stopRunning = server.post("/api/v1/runs/" + running + "/cancel", qa.secret(), "");
        assertThat(stopRunning.status()).as(stopRunning.toString()).isIn(200, 202);
        JsonNode stopped = server.awaitStatus(running, qa.secret(), DEADLINE, "cancelled", "succeeded", "failed");
        assertThat(stopped.get("status").asText()).as(stopped.toPrettyString()).isEqualTo("cancelled");

        Response again = server.post("/api/v1/runs/" + queued + "/cancel", qa.secret(), "");
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.json().get("message").asText()).contains("already ended");
        assertThat(invocations("qa")).containsExactly("block-q0");

        Response foreign = server.post("/api/v1/runs/" + queued + "/cancel", approver.secret(), "");
        assertThat(foreign.status()).as("an approve-only token cannot cancel").isEqualTo(403);
    }

    @Test
    void the_deployers_secret_never_appears_in_responses_output_or_the_store() throws Exception {
        String id = signal(stagingSignaller, "staging", "secret-1");
        JsonNode run = server.awaitStatus(id, stagingSignaller.secret(), DEADLINE, "succeeded", "failed");
        assertThat(run.get("status").asText()).isEqualTo("succeeded");
        String failing = signal(stagingSignaller, "staging", "fail-secret");
        server.awaitStatus(failing, stagingSignaller.secret(), DEADLINE, "failed");

        // The deployer did get the secret, and printed it (plain and base64) on both streams.
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.readString(state.resolve("canary-" + id)).strip()).isEqualTo(sha);
        List<String> lines = new ArrayList<>();
        server.run(id, admin.secret()).get("log_tail").forEach(l -> lines.add(l.get("text").asText()));
        assertThat(lines).contains("canary: ***", "canary on stderr: ***");

        // Read everything that could carry it.
        server.get("/api/v1/runs/" + id + "/log", admin.secret());
        server.get("/api/v1/runs/" + failing + "/log", admin.secret());
        server.get("/api/v1/runs/" + failing, admin.secret());
        server.get("/api/v1/runs?limit=500", admin.secret());
        server.get("/api/v1/environments", admin.secret());
        server.get("/api/v1/tokens", admin.secret());
        for (String body : server.responses()) {
            assertNoSecret("an API response", body);
        }
        assertNoSecret("the server's stderr so far", server.process.stderrSoFar());
        assertNoSecretInStore();
    }

    private static Set<String> secretForms() {
        byte[] bytes = SECRET.getBytes(StandardCharsets.UTF_8);
        return new LinkedHashSet<>(List.of(SECRET, Base64.getEncoder().withoutPadding().encodeToString(bytes),
                Base64.getEncoder().encodeToString(bytes)));
    }

    static void assertNoSecret(String where, String text) {
        for (String form : secretForms()) {
            assertThat(text).as("%s carries the secret (%s)", where, form).doesNotContain(form);
        }
    }

    /** Every row of every table, read with SQLite itself, and the bytes of the database and its WAL. */
    static void assertNoSecretInStore() {
        Path db = node.home.resolve("pier.db");
        int rows = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select name from sqlite_master where type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("runs");
            for (String table : tables) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("select * from \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        rows++;
                        for (int i = 1; i <= columns; i++) {
                            Object v = rs.getObject(i);
                            String text = v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1)
                                    : String.valueOf(v);
                            assertNoSecret("table " + table + " column " + rs.getMetaData().getColumnName(i), text);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        assertThat(rows).as("the store has rows to search").isPositive();
        try (Stream<Path> files = Files.list(node.home)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("pier.db")).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertNoSecret("file " + f.getFileName(), bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}

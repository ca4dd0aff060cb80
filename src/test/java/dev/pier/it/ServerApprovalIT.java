package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.pier.it.ServerProcess.Response;
import dev.pier.it.ServerProcess.Token;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four-eyes approvals through a real {@code pier server}: a run in an environment with {@code approvals:} waits in
 * {@code awaiting_approval} without running its deployer until enough different people, none of them the signal's
 * author, approve it; a rejection or an expired request ends it; {@code pier approve} and {@code pier reject} talk
 * to the server; and approvers hear of a waiting run through a signed webhook, once per change, even when the
 * server finishes a run a crashed {@code pier deploy} left behind.
 */
class ServerApprovalIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String HOOK_SECRET = "hook-secret-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;

    static Node node;
    static Path invocations;
    /** Where the deployer of a {@code :block} image publishes its pid (its process group) while it waits. */
    static Path blocked;
    static HttpServer receiver;
    static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    static ServerProcess server;
    /** Signals (and may approve: the rule, not the scope, must stop them approving their own runs). */
    static Token alice;
    /** Alice again, with a second token. */
    static Token alice2;
    static Token bob;
    static Token carol;

    record Delivery(Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        JsonNode json() {
            return ServerProcess.json(new String(body, StandardCharsets.UTF_8));
        }
    }

    @BeforeAll
    static void start() throws IOException {
        node = new Node(dir);
        invocations = dir.resolve("invocations");
        blocked = dir.resolve("blocked.pid");
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            deliveries.add(new Delivery(headers, exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Path deployer = node.script("deployer", """
                #!/bin/bash
                echo "$PIER_ENV $PIER_RUN_ID" >> '%s'
                if [ "${1##*:}" = block ]; then
                  echo $$ > '%s.tmp' && mv '%s.tmp' '%s'
                  while [ ! -e '%s' ]; do sleep 0.05; done
                fi
                echo "deployed $PIER_RUN_ID"
                """.formatted(invocations, blocked, blocked, blocked, dir.resolve("release")));
        StringBuilder yaml = new StringBuilder(ServerProcess.demoAppHead("""
                version: 1
                secrets:
                  hook: { env: PIER_IT_HOOK_SECRET }
                server:
                  notifications:
                    - url: "http://127.0.0.1:%d/hook"
                      secret: hook""".formatted(receiver.getAddress().getPort())));
        Map<String, String> approvals = new java.util.LinkedHashMap<>();
        approvals.put("production", "approvals: { required: 2 }");
        approvals.put("review", "approvals: { required: 1 }");
        approvals.put("hotfix", "approvals: { required: 2, expires: 6s }");
        approvals.put("release", "approvals: { required: 2 }");
        approvals.put("notify", "approvals: { required: 1 }");
        approvals.put("direct", "orphan: stop");
        approvals.forEach((env, rule) -> yaml.append(ServerProcess.commandEnvironment(env, rule, deployer)));
        node.file("pier.yaml", yaml.toString());
        server = ServerProcess.start(node, Map.of("PIER_IT_HOOK_SECRET", HOOK_SECRET));
        List<Token> t = ServerProcess.tokens(node, List.of(
                List.of("--owner", "alice", "--scope", "signal:demo/*", "--scope", "approve:demo/*"),
                List.of("--owner", "alice", "--scope", "approve:demo/*"),
                List.of("--owner", "bob", "--scope", "approve:demo/*"),
                List.of("--owner", "carol", "--scope", "approve:demo/*")));
        alice = t.get(0);
        alice2 = t.get(1);
        bob = t.get(2);
        carol = t.get(3);
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                PierProcess.Result r = server.stop();
                assertThat(r.stdout() + r.stderr()).as("the webhook secret stays out of the server's output")
                        .doesNotContain(HOOK_SECRET);
                server.close();
            }
        } finally {
            if (receiver != null) {
                receiver.stop(0);
            }
        }
    }

    static String signal(String env) {
        Response r = server.signal(alice.secret(), ServerProcess.write(Map.of("app", "demo", "env", env,
                "images", "{\"app\":\"ghcr.io/acme/demo/app:1.0.0\"}")));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("run_id").asText();
    }

    static Response decide(Token token, String id, String decision, String comment) {
        return server.post("/api/v1/runs/" + id + "/" + decision, token.secret(),
                comment == null ? "" : ServerProcess.write(Map.of("comment", comment)));
    }

    static List<String> invocations(String env) {
        if (!Files.exists(invocations)) {
            return List.of();
        }
        try {
            return Files.readAllLines(invocations).stream().filter(l -> l.startsWith(env + " "))
                    .map(l -> l.substring(env.length() + 1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode awaitingApproval(String id) {
        return server.awaitStatus(id, alice.secret(), DEADLINE, "awaiting_approval");
    }

    @Test
    void two_people_other_than_the_author_must_approve_before_the_deployer_runs() {
        Instant before = Instant.now().minusSeconds(1);
        String id = signal("production");

        JsonNode waiting = awaitingApproval(id);
        assertThat(waiting.at("/approval/required").asInt()).as(waiting.toPrettyString()).isEqualTo(2);
        assertThat(waiting.at("/approval/decisions")).isEmpty();
        assertThat(Instant.parse(waiting.at("/approval/expires_at").asText())).isAfter(Instant.now());
        assertThat(invocations("production")).as("no deployer before approval").isEmpty();

        Response own = decide(alice, id, "approve", null);
        assertThat(own.status()).as(own.toString()).isEqualTo(422);
        assertThat(own.json().get("message").asText()).contains("alice").contains("four eyes");
        Response ownSecondToken = decide(alice2, id, "approve", null);
        assertThat(ownSecondToken.status()).as("another token of the author: " + ownSecondToken).isEqualTo(422);

        Response first = decide(bob, id, "approve", "looks right");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().get("status").asText()).as("1 of 2").isEqualTo("awaiting_approval");
        Response twice = decide(bob, id, "approve", null);
        assertThat(twice.status()).as("a person counts once: " + twice).isEqualTo(409);
        assertThat(server.run(id, bob.secret()).get("status").asText()).isEqualTo("awaiting_approval");
        assertThat(invocations("production")).isEmpty();

        Response second = decide(carol, id, "approve", null);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        JsonNode done = server.awaitStatus(id, alice.secret(), DEADLINE, "succeeded", "failed");

        assertThat(done.get("status").asText()).as(done.toPrettyString()).isEqualTo("succeeded");
        assertThat(invocations("production")).containsExactly(id);
        JsonNode decisions = done.at("/approval/decisions");
        assertThat(decisions).as(done.toPrettyString()).hasSize(2);
        assertThat(decisions).extracting(d -> d.get("approver").asText()).containsExactly("bob", "carol");
        assertThat(decisions).extracting(d -> d.get("decision").asText()).containsExactly("approve", "approve");
        assertThat(decisions.get(0).get("via").asText()).isEqualTo("token:" + bob.id());
        assertThat(decisions.get(1).get("via").asText()).isEqualTo("token:" + carol.id());
        assertThat(decisions.get(0).get("comment").asText()).isEqualTo("looks right");
        for (JsonNode d : decisions) {
            assertThat(Instant.parse(d.get("at").asText())).isBetween(before, Instant.now());
        }
        assertThat(Instant.parse(done.at("/approval/approved_at").asText()))
                .isEqualTo(Instant.parse(decisions.get(1).get("at").asText()));
        assertThat(done.get("history")).extracting(h -> h.get("to").asText())
                .containsExactly("queued", "awaiting_approval", "queued", "deploying", "succeeded");
    }

    @Test
    void a_rejection_ends_the_run_and_its_deployer_never_runs() {
        String id = signal("review");
        awaitingApproval(id);

        Response rejected = decide(bob, id, "reject", "not during the freeze");

        assertThat(rejected.status()).as(rejected.toString()).isEqualTo(200);
        JsonNode run = rejected.json();
        assertThat(run.get("status").asText()).isEqualTo("rejected");
        assertThat(run.get("terminal").asBoolean()).isTrue();
        assertThat(run.at("/error/kind").asText()).isEqualTo("rejected");
        assertThat(run.at("/error/summary").asText()).contains("bob").contains("not during the freeze");
        assertThat(run.at("/approval/decisions/0/decision").asText()).isEqualTo("reject");
        assertThat(decide(carol, id, "approve", null).status()).as("decided runs stay decided").isEqualTo(409);
        assertThat(invocations("review")).isEmpty();
    }

    @Test
    void a_run_awaiting_approval_can_be_cancelled_by_a_signaller_but_not_by_an_approver() {
        String id = signal("review");
        awaitingApproval(id);

        Response byApprover = server.post("/api/v1/runs/" + id + "/cancel", bob.secret(), "");
        assertThat(byApprover.status()).as(byApprover.toString()).isEqualTo(403);
        Response cancelled = server.post("/api/v1/runs/" + id + "/cancel", alice.secret(), "");

        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
        assertThat(decide(bob, id, "approve", null).status()).isEqualTo(409);
        assertThat(invocations("review")).isEmpty();
    }

    @Test
    void an_approval_request_that_too_few_people_answer_expires_as_rejected() {
        String id = signal("hotfix");
        awaitingApproval(id);
        Response one = decide(bob, id, "approve", null);
        assertThat(one.status()).as("1 of 2, within the 6 s the request lives: " + one).isEqualTo(200);
        JsonNode run = server.awaitStatus(id, alice.secret(), DEADLINE, "rejected", "succeeded", "failed");
        assertThat(run.get("history")).extracting(h -> h.get("to").asText())
                .containsExactly("queued", "awaiting_approval", "rejected");

        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("rejected");
        assertThat(run.get("status_label").asText()).isEqualTo("rejected (approval expired)");
        assertThat(run.at("/error/kind").asText()).isEqualTo("approval_expired");
        assertThat(run.at("/error/summary").asText()).contains("1 of 2 approvals");
        assertThat(decide(carol, id, "approve", null).status()).isEqualTo(409);
        assertThat(invocations("hotfix")).isEmpty();
    }

    @Test
    void pier_approve_and_reject_talk_to_the_server_and_exit_0_4_or_2() {
        String id = signal("release");
        awaitingApproval(id);

        PierProcess own = cli(alice, "approve", id);
        PierProcess unknown = cli(bob, "approve", "01nosuchrun0000000000000000");
        PierProcess first = cli(bob, "approve", id, "--comment", "lgtm");
        PierProcess.Result ownR = own.await(DEADLINE);
        PierProcess.Result unknownR = unknown.await(DEADLINE);
        PierProcess.Result firstR = first.await(DEADLINE);

        assertThat(ownR.exitCode()).as(ownR.toString()).isEqualTo(4);
        assertThat(ownR.stderr()).contains("four eyes");
        assertThat(unknownR.exitCode()).as(unknownR.toString()).isEqualTo(2);
        assertThat(unknownR.stderr()).contains("01nosuchrun0000000000000000");
        assertThat(firstR.exitCode()).as(firstR.toString()).isZero();
        assertThat(firstR.stdout()).contains("run " + id + " is awaiting_approval (1 of 2 approvals)");

        PierProcess again = cli(bob, "approve", id);
        PierProcess reject = cli(carol, "reject", id, "--comment", "wrong build");
        PierProcess.Result againR = again.await(DEADLINE);
        PierProcess.Result rejectR = reject.await(DEADLINE);

        assertThat(againR.exitCode()).as("bob again, or after carol's rejection: " + againR).isEqualTo(4);
        assertThat(rejectR.exitCode()).as(rejectR.toString()).isZero();
        assertThat(rejectR.stdout()).contains("run " + id + " is rejected");
        JsonNode run = server.run(id, bob.secret());
        assertThat(run.get("status").asText()).isEqualTo("rejected");
        assertThat(run.at("/approval/decisions")).extracting(d -> d.get("approver").asText() + " "
                + d.get("decision").asText() + " " + d.get("comment").asText())
                .containsExactly("bob approve lgtm", "carol reject wrong build");
        assertThat(invocations("release")).isEmpty();
    }

    static PierProcess cli(Token token, String... args) {
        Map<String, String> env = new HashMap<>(node.env());
        env.put("PIER_SERVER", server.base.toString());
        env.put("PIER_TOKEN", token.secret());
        return PierProcess.start(env, node.dir, args);
    }

    @Test
    void approvers_are_notified_by_a_signed_webhook() throws Exception {
        String id = signal("notify");
        awaitingApproval(id);

        await("the awaiting_approval notification").atMost(DEADLINE).until(() -> deliveries.stream()
                .anyMatch(d -> d.json().at("/run/id").asText().equals(id)));
        List<Delivery> mine = deliveries.stream().filter(d -> d.json().at("/run/id").asText().equals(id)).toList();
        assertThat(mine).hasSize(1);
        Delivery d = mine.get(0);

        assertThat(d.header("X-Pier-Event")).isEqualTo("awaiting_approval");
        assertThat(d.header("Content-Type")).startsWith("application/json");
        String timestamp = d.header("X-Pier-Timestamp");
        assertThat(Long.parseLong(timestamp)).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));
        String signed = timestamp + "." + new String(d.body(), StandardCharsets.UTF_8);
        assertThat(d.header("X-Pier-Signature")).isEqualTo("sha256=" + hmac(HOOK_SECRET, signed));
        assertThat(d.header("X-Pier-Signature")).as("a forger without the secret")
                .isNotEqualTo("sha256=" + hmac("guess", signed));

        JsonNode body = d.json();
        assertThat(body.get("event").asText()).isEqualTo("awaiting_approval");
        assertThat(body.get("text").asText()).contains("demo/notify").contains(id).contains("alice")
                .contains("awaiting approval").contains("pier approve " + id);
        assertThat(body.at("/run/url").asText()).isEqualTo(server.base + "/api/v1/runs/" + id);
        assertThat(body.at("/run/status").asText()).isEqualTo("awaiting_approval");
    }

    @Test
    void a_crashed_local_deploy_is_announced_once_and_finished_runs_are_not_announced_again() throws Exception {
        String earlier = signal("direct");
        assertThat(server.awaitStatus(earlier, alice.secret(), DEADLINE, "succeeded", "failed").get("status")
                .asText()).isEqualTo("succeeded");
        await("the succeeded notification").atMost(DEADLINE).until(() -> deliveriesFor(earlier).size() == 1);

        // A local pier deploy on the same node dies (kill -9) while its deployer runs: the server stops the
        // orphaned deployer (orphan: stop) and fails the run as interrupted.
        PierProcess local = node.start("deploy", "--config", "pier.yaml", "--app", "demo", "--env", "direct",
                "--images", "{\"app\":\"ghcr.io/acme/demo/app:block\"}");
        long group = -1;
        try {
            await("the local deploy's deployer to start").atMost(DEADLINE)
                    .failFast("pier deploy exited early", () -> !local.isAlive())
                    .until(() -> Files.exists(blocked));
            group = Long.parseLong(Files.readString(blocked).strip());
            local.kill();
            local.await(DEADLINE);
            JsonNode crashed = server.get("/api/v1/runs?env=direct&limit=1", alice.secret()).json().at("/runs/0");
            String id = crashed.get("id").asText();
            assertThat(id).isNotEqualTo(earlier);
            JsonNode failed = server.awaitStatus(id, alice.secret(), DEADLINE, "failed", "succeeded");
            assertThat(failed.get("status_label").asText()).as(failed.toPrettyString())
                    .isEqualTo("failed (interrupted)");
            await("the failed notification").atMost(DEADLINE).until(() -> deliveriesFor(id).size() == 1);

            // One more run in the environment: it deploys after the recovery is done, so once its notification
            // arrived, any notification the recovery sent has arrived too.
            String later = signal("direct");
            server.awaitStatus(later, alice.secret(), DEADLINE, "succeeded");
            await("the later run's notification").atMost(DEADLINE).until(() -> deliveriesFor(later).size() == 1);

            assertThat(deliveriesFor(earlier)).as("the earlier run was announced once").hasSize(1);
            assertThat(deliveriesFor(id)).extracting(d -> d.header("X-Pier-Event")).containsExactly("failed");
            String metrics = server.get("/metrics", null).body();
            Matcher succeeded = Pattern.compile("(?m)^pier_runs\\{status=\"succeeded\"} ([0-9]+)\\.0$")
                    .matcher(metrics);
            assertThat(succeeded.find()).as(metrics).isTrue();
            assertThat(metrics).as("each finished run is counted once").contains(
                    "pier_run_duration_seconds_count{status=\"succeeded\"} " + succeeded.group(1) + "\n");
        } finally {
            local.kill();
            Procs.killGroup(group);
        }
    }

    static List<Delivery> deliveriesFor(String runId) {
        return deliveries.stream().filter(d -> d.json().at("/run/id").asText().equals(runId)).toList();
    }

    static String hmac(String key, String message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}

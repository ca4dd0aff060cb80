package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.config.DeployerSpec;
import dev.pier.config.DeployerSpec.Webhook.StatusMode;
import dev.pier.controller.CallbackRegistry;
import dev.pier.deploy.webhook.WebhookDeployer;
import dev.pier.fakes.FakeLightway;
import dev.pier.fakes.FakeLightway.Answer;
import dev.pier.fakes.Hmac;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.RunCallbacks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook deployer against {@link FakeLightway}, a loopback controller that verifies Pier's signature as the
 * README tells receivers to, and answers with the documented request and response shapes.
 */
class WebhookDeployerTest {

    static final String KEY = "hmac-canary-7f3a9c2e";
    static final String DIGEST = "sha256:" + "b".repeat(64);

    @TempDir
    Path dir;

    private final RecordingContext ctx = new RecordingContext();
    private FakeLightway lightway;

    @AfterEach
    void stop() {
        if (lightway != null) {
            lightway.close();
        }
    }

    static Release pinned() {
        Map<String, Release.ArtifactRef> images = new LinkedHashMap<>();
        images.put("api", new Release.ArtifactRef("ghcr.io/org/pytoya/api:abc", "ghcr.io/org/pytoya/api@" + DIGEST,
                DIGEST, null));
        images.put("web", new Release.ArtifactRef("ghcr.io/org/pytoya/web:abc", "ghcr.io/org/pytoya/web@" + DIGEST,
                DIGEST, null));
        return new Release("pytoya", new Release.ChartRef(Fixtures.CHART, "0.1.0-abc", DIGEST), null, images);
    }

    DeployerSpec.Webhook spec(URI url, StatusMode mode, Duration timeout) {
        return new DeployerSpec.Webhook(url, "lightway_key", mode, Duration.ofMillis(20), timeout,
                Map.of("X-Team", "pytoya"));
    }

    DeployRequest request(DeployerSpec spec, String key) {
        return Fixtures.request(spec, dir.resolve("work"), pinned(), Map.of("lightway_key", key));
    }

    DeployOutcome deploy(DeployerSpec spec, String key) {
        return new WebhookDeployer(RunCallbacks.NONE).deploy(request(spec, key), ctx);
    }

    @Test
    void posts_the_signed_release_and_follows_the_status_url_to_success() throws Exception {
        lightway = new FakeLightway(KEY).answerStatus(new Answer(200, "{\"status\": \"running\", \"message\": \"1/2\"}"),
                new Answer(503, "{\"error\": \"busy\"}"),
                new Answer(200, "{\"status\": \"succeeded\", \"deployed_url\": \"https://pytoya.acme.example\"}"));

        DeployOutcome out = deploy(spec(lightway.url(), StatusMode.POLL, Duration.ofSeconds(20)), KEY);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Succeeded.class,
                s -> assertThat(s.deployedUrl()).isEqualTo("https://pytoya.acme.example"));
        FakeLightway.Received post = lightway.received("POST").get(0);
        assertThat(post.answered()).isEqualTo(202);
        assertThat(post.headers()).containsEntry("x-team", "pytoya").containsKey("x-pier-delivery")
                .containsEntry("x-pier-run", "run-42").containsEntry("content-type", "application/json");
        JsonNode body = post.json();
        assertThat(body.path("event").asText()).isEqualTo("deploy");
        assertThat(body.path("run_id").asText()).isEqualTo("run-42");
        assertThat(body.path("app").asText()).isEqualTo("pytoya");
        assertThat(body.path("environment").asText()).isEqualTo("production");
        assertThat(body.at("/images/api/deploy").asText()).isEqualTo("ghcr.io/org/pytoya/api@" + DIGEST);
        assertThat(body.at("/images/api/digest").asText()).isEqualTo(DIGEST);
        assertThat(body.at("/chart/digest").asText()).isEqualTo(DIGEST);
        assertThat(body.path("delivery").asText()).isEqualTo(post.headers().get("x-pier-delivery"));
        assertThat(lightway.received("GET")).hasSize(3).allSatisfy(g -> {
            assertThat(g.target()).isEqualTo("/deploys/1");
            assertThat(g.answered()).isNotEqualTo(401);
        });
        assertThat(ctx.steps()).extracting(RecordingContext.StepRecord::argv).containsExactly(
                java.util.List.of("POST", lightway.url().toString()),
                java.util.List.of("GET", lightway.base() + "/deploys/1"));
        assertThat(ctx.all()).contains("status: running: 1/2").contains("answered 503 busy").doesNotContain(KEY);
    }

    @Test
    void a_failed_deploy_fails_the_run_with_the_controllers_own_message() throws Exception {
        lightway = new FakeLightway(KEY).answerStatus(new Answer(200, "{\"status\": \"running\"}"),
                new Answer(200, "{\"status\": \"failed\", \"message\": \"migration 0042 failed: column exists\"}"));

        DeployOutcome out = deploy(spec(lightway.url(), StatusMode.POLL, Duration.ofSeconds(20)), KEY);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("deploy_failed");
            assertThat(f.step()).isEqualTo("webhook status");
            assertThat(f.summary()).contains("reported failed: migration 0042 failed: column exists");
        });
    }

    @Test
    void a_signature_the_controller_refuses_is_reported_as_such_without_the_key() throws Exception {
        lightway = new FakeLightway(KEY);

        DeployOutcome out = deploy(spec(lightway.url(), StatusMode.POLL, Duration.ofSeconds(20)), "not-the-key-123");

        assertThat(lightway.received("POST")).singleElement().extracting(FakeLightway.Received::answered).isEqualTo(401);
        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.step()).isEqualTo("webhook POST");
            assertThat(f.summary()).contains("(401)").contains("did not accept Pier's signature")
                    .contains("secret 'lightway_key'").contains("bad signature").doesNotContain("not-the-key-123");
        });
        assertThat(lightway.received("GET")).isEmpty();
    }

    @Test
    void a_controller_that_never_answers_fails_the_run_when_the_timeout_passes() throws Exception {
        lightway = new FakeLightway(KEY).neverAnswer();
        long start = System.nanoTime();

        DeployOutcome out = deploy(spec(lightway.url(), StatusMode.POLL, Duration.ofSeconds(2)), KEY);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("timed_out");
            assertThat(f.summary()).contains("did not answer the deploy POST within 2s");
        });
    }

    @Test
    void a_status_that_never_ends_fails_the_run_with_the_last_status_seen() throws Exception {
        lightway = new FakeLightway(KEY).answerStatus(new Answer(200, "{\"status\": \"running\", \"message\": \"stuck\"}"));

        DeployOutcome out = deploy(spec(lightway.url(), StatusMode.POLL, Duration.ofSeconds(1)), KEY);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("timed_out");
            assertThat(f.summary()).contains("no final status within 1s (last: running: stuck)");
        });
    }

    @Test
    void a_replayed_deploy_request_is_refused_by_a_receiver_that_remembers_deliveries() throws Exception {
        lightway = new FakeLightway(KEY);
        deploy(spec(lightway.url(), StatusMode.POLL, Duration.ofSeconds(20)), KEY);
        FakeLightway.Received original = lightway.received("POST").get(0);

        HttpRequest.Builder replay = HttpRequest.newBuilder(lightway.url())
                .POST(HttpRequest.BodyPublishers.ofString(original.body()));
        original.headers().forEach((k, v) -> {
            if (k.startsWith("x-pier-") || k.equals("content-type")) {
                replay.header(k, v);
            }
        });
        HttpResponse<String> r = HttpClient.newHttpClient().send(replay.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(r.body()).contains("replayed delivery");
        assertThat(Hmac.verify(KEY, original.headers().get("x-pier-timestamp"), original.body(),
                original.headers().get("x-pier-signature"))).as("the replay carried a valid signature").isTrue();
    }

    @Test
    void a_status_url_on_another_host_or_a_redirect_is_never_followed() throws Exception {
        try (FakeLightway elsewhere = new FakeLightway(KEY)) {
            lightway = new FakeLightway(KEY).answerDeploy(202, "{\"status_url\": \"" + elsewhere.base() + "/steal\"}");
            DeployOutcome offsite = deploy(spec(lightway.url(), StatusMode.POLL, Duration.ofSeconds(20)), KEY);
            assertThat(offsite).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> assertThat(f.summary())
                    .contains("is not on " + lightway.url().getAuthority()));

            lightway.close();
            lightway = new FakeLightway(KEY).answerDeploy(307, "");
            DeployOutcome redirected = deploy(spec(lightway.url(), StatusMode.POLL, Duration.ofSeconds(20)), KEY);
            assertThat(redirected).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> assertThat(f.summary())
                    .contains("answered 307").contains("does not follow redirects"));
            assertThat(elsewhere.received()).as("no signed request reached the other host").isEmpty();
        }
    }

    @Test
    void a_cancel_stops_the_wait_at_once() throws Exception {
        lightway = new FakeLightway(KEY).answerStatus(new Answer(200, "{\"status\": \"running\"}"));
        DeployerSpec.Webhook slow = new DeployerSpec.Webhook(lightway.url(), "lightway_key", StatusMode.POLL,
                Duration.ofMinutes(5), Duration.ofMinutes(10), Map.of());
        CompletableFuture<DeployOutcome> running = CompletableFuture.supplyAsync(() -> deploy(slow, KEY));
        await().atMost(Duration.ofSeconds(10)).until(() -> !lightway.received("GET").isEmpty());

        ctx.cancellation().cancel("test cancel");

        assertThat(running.get(10, TimeUnit.SECONDS)).isInstanceOf(DeployOutcome.Cancelled.class);
    }

    @Test
    void callback_mode_ends_with_the_callback_the_server_delivers() throws Exception {
        lightway = new FakeLightway(KEY).answerDeploy(202, "{\"status\": \"queued\"}");
        CallbackRegistry registry = new CallbackRegistry();
        registry.urls(id -> "https://pier.test/api/v1/runs/" + id + "/callback");
        WebhookDeployer deployer = new WebhookDeployer(HttpClient.newHttpClient(), registry, Clock.systemUTC());
        DeployRequest request = request(spec(lightway.url(), StatusMode.CALLBACK, Duration.ofSeconds(20)), KEY);
        CompletableFuture<DeployOutcome> running = CompletableFuture.supplyAsync(() -> deployer.deploy(request, ctx));
        await().atMost(Duration.ofSeconds(10)).until(() -> !lightway.received("POST").isEmpty());
        JsonNode posted = lightway.received("POST").get(0).json();
        assertThat(posted.path("callback_url").asText()).isEqualTo("https://pier.test/api/v1/runs/run-42/callback");
        String delivery = posted.path("delivery").asText();

        assertThat(registry.deliver("run-42", "an-earlier-attempt", new RunCallbacks.Callback("succeeded", "old", null)))
                .isEqualTo(CallbackRegistry.Delivery.OTHER_DELIVERY);
        assertThat(registry.deliver("run-42", delivery, new RunCallbacks.Callback("running", "rolling out", null)))
                .isEqualTo(CallbackRegistry.Delivery.DELIVERED);
        registry.deliver("run-42", delivery, new RunCallbacks.Callback("succeeded", "done", "https://pytoya.acme.example"));

        assertThat(running.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(DeployOutcome.Succeeded.class,
                s -> assertThat(s.deployedUrl()).isEqualTo("https://pytoya.acme.example"));
        assertThat(registry.deliver("run-42", delivery, new RunCallbacks.Callback("failed", "late", null)))
                .as("the wait closed with the deploy").isEqualTo(CallbackRegistry.Delivery.NOT_WAITING);
        assertThat(ctx.all()).contains("callback: running: rolling out");
    }

    @Test
    void callback_mode_needs_the_server() {
        DeployOutcome out = deploy(spec(URI.create("http://127.0.0.1:9/deploy"), StatusMode.CALLBACK,
                Duration.ofSeconds(5)), KEY);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("not_started");
            assertThat(f.summary()).contains("needs pier server");
        });
    }
}

package dev.pier.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.config.DeployerSpec;
import dev.pier.config.EnvironmentSpec;
import dev.pier.config.NodeConfig;
import dev.pier.controller.CallbackRegistry;
import dev.pier.json.Json;
import dev.pier.notify.Signatures;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunCallbacks;
import dev.pier.pipeline.RunStore;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code POST /api/v1/runs/{id}/callback}: a deploy controller reports the outcome of a webhook deploy. No bearer
 * token: the request is signed like Pier's own, {@code X-Pier-Signature: sha256=HMAC(secret, timestamp + "." +
 * body)}, with the environment's webhook secret. The body names the run and the delivery (Pier's POST) it answers,
 * so it cannot be replayed to another run or to a later attempt of the same one; a timestamp outside the window and a
 * signature already seen are refused, so it cannot be replayed at all.
 */
public final class CallbacksApi {

    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final Set<String> STATUSES = Set.of("running", "succeeded", "failed");

    private final NodeConfig config;
    private final RunStore runs;
    private final CallbackRegistry callbacks;
    private final Function<String, String> secretValue;
    private final Clock clock;
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    /** @param secretValue node secret name → value; throws when it cannot be read */
    public CallbacksApi(NodeConfig config, RunStore runs, CallbackRegistry callbacks,
                        Function<String, String> secretValue, Clock clock) {
        this.config = config;
        this.runs = runs;
        this.callbacks = callbacks;
        this.secretValue = secretValue;
        this.clock = clock;
    }

    void post(Context ctx) {
        String id = ctx.pathParam("id");
        Run run = runs.find(id).orElseThrow(() -> ApiException.notFound("no run " + id));
        DeployerSpec.Webhook hook = webhook(run).orElseThrow(() -> new ApiException(409, "not_waiting", "run " + id
                + " does not deploy through a webhook with status: callback"));
        String body = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8); // the bytes as signed
        Instant at = verify(ctx.header("X-Pier-Timestamp"), ctx.header("X-Pier-Signature"), body, hook);
        JsonNode n;
        try {
            n = Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the body must be a JSON object: {\"run_id\", \"status\", \"message\","
                    + " \"deployed_url\"}");
        }
        if (n == null || !n.isObject() || !id.equals(n.path("run_id").asText(null)) || text(n, "delivery") == null) {
            throw ApiException.badRequest("the signed body must name this run and the delivery it answers: "
                    + "{\"run_id\": \"" + id + "\", \"delivery\": \"<delivery of Pier's POST>\", \"status\": …}");
        }
        String status = n.path("status").asText("");
        if (!STATUSES.contains(status)) {
            throw ApiException.badRequest("status must be running, succeeded or failed");
        }
        if (seen.putIfAbsent(ctx.header("X-Pier-Signature"), at.plus(WINDOW)) != null) {
            throw new ApiException(409, "replayed", "this callback was already received");
        }
        forgetExpired();
        RunCallbacks.Callback cb = new RunCallbacks.Callback(status, text(n, "message"), text(n, "deployed_url"));
        switch (callbacks.deliver(id, text(n, "delivery"), cb)) {
            case NOT_WAITING -> throw new ApiException(409, "not_waiting", "run " + id + " is not waiting for a"
                    + " callback (it is " + run.statusLabel() + ")");
            case OTHER_DELIVERY -> throw new ApiException(409, "other_delivery", "run " + id + " waits for a"
                    + " callback to another delivery (this one answers an earlier attempt)");
            case DELIVERED -> { }
        }
        PierServer.send(ctx, 200, Json.mapper().createObjectNode().put("run_id", id).put("accepted", status));
    }

    /** The signature's time, once the signature and the time are good; 401 otherwise. */
    private Instant verify(String timestamp, String signature, String body, DeployerSpec.Webhook hook) {
        if (timestamp == null || signature == null || !timestamp.matches("\\d{1,12}")) {
            throw ApiException.unauthorized("sign the callback: X-Pier-Timestamp (unix seconds) and X-Pier-Signature:"
                    + " sha256=HMAC-SHA256(secret, timestamp + \".\" + body)");
        }
        String key;
        try {
            key = secretValue.apply(hook.secret());
        } catch (RuntimeException e) {
            throw new ApiException(503, "secret_unavailable", "the webhook secret cannot be read on this node");
        }
        if (!Signatures.matches(signature, key, timestamp + "." + body)) {
            throw ApiException.unauthorized("bad signature");
        }
        Instant at = Instant.ofEpochSecond(Long.parseLong(timestamp));
        if (Duration.between(at, clock.instant()).abs().compareTo(WINDOW) > 0) {
            throw ApiException.unauthorized("timestamp outside the " + WINDOW.toMinutes() + " minute window");
        }
        return at;
    }

    private Optional<DeployerSpec.Webhook> webhook(Run run) {
        return config.app(run.app()).flatMap(a -> a.environment(run.environment())).map(EnvironmentSpec::deployer)
                .filter(d -> d instanceof DeployerSpec.Webhook w && w.status() == DeployerSpec.Webhook.StatusMode.CALLBACK)
                .map(DeployerSpec.Webhook.class::cast);
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        for (Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().isBefore(now)) {
                it.remove();
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}

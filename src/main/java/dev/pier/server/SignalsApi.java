package dev.pier.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.auth.Principal;
import dev.pier.auth.Scope;
import dev.pier.controller.RunController;
import dev.pier.intake.SignalIntake;
import dev.pier.json.ErrorJson;
import dev.pier.json.Json;
import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.RunStore;
import dev.pier.signal.InvalidSignalException;
import dev.pier.signal.ValidatedSignal;
import io.javalin.http.Context;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/** {@code POST /api/v1/signals}: the deploy-signal contract of {@code pier deploy}, over HTTP. */
final class SignalsApi {

    static final Set<String> FIELDS = Set.of("app", "env", "chart", "chart_version", "bundle", "images");

    private final SignalIntake intake;
    private final RunController controller;
    private final ApiAuth auth;
    private final ServerMetrics metrics;
    private final AtomicBoolean ready;
    private final Function<String, String> runUrl;

    SignalsApi(SignalIntake intake, RunController controller, ApiAuth auth, ServerMetrics metrics,
               AtomicBoolean ready, Function<String, String> runUrl) {
        this.intake = intake;
        this.controller = controller;
        this.auth = auth;
        this.metrics = metrics;
        this.ready = ready;
        this.runUrl = runUrl;
    }

    void post(Context ctx) {
        ApiAuth.Caller caller;
        try {
            caller = auth.identify(ctx);
        } catch (ApiException e) {
            metrics.signal("unauthorized");
            throw e;
        }
        if (!ready.get()) {
            throw new ApiException(503, "not_ready", "the server is shutting down and accepts no signals");
        }
        JsonNode body = parse(ctx.body());
        String actor = auth.known(caller).map(Principal::name).orElse("oidc");
        DeploySignal raw = signal(body, "api", actor);
        ValidatedSignal v;
        try {
            v = intake.validate(raw);
        } catch (InvalidSignalException e) {
            try {
                auth.requireVerifiedSignaller(caller, raw.app(), raw.environment());
            } catch (ApiException refused) {
                metrics.signal(refused.status() == 403 ? "forbidden" : "unauthorized");
                throw refused;
            }
            metrics.signal("invalid");
            throw new ApiException(400, ErrorJson.invalidSignal(e));
        }
        Principal principal;
        try {
            principal = auth.require(caller, Scope.Action.SIGNAL, v.app().name(), v.environment().name());
        } catch (ApiException e) {
            metrics.signal(e.status() == 403 ? "forbidden" : "unauthorized");
            throw e;
        }
        String origin = principal.via().startsWith("oidc:") ? principal.via() : "api";
        DeploySignal signal = new DeploySignal(raw.app(), v.environment().name(), raw.chart(), raw.chartVersion(),
                raw.bundle(), raw.images(), origin, principal.name());
        RunStore.Enqueued queued = controller.enqueue(v, signal);
        metrics.signal("accepted");
        String url = runUrl.apply(queued.run().id());
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("run_id", queued.run().id()).put("status", queued.run().status().wireName()).put("url", url)
                .put("app", queued.run().app()).put("environment", queued.run().environment());
        queued.supersededIds().forEach(out.putArray("superseded")::add);
        ctx.header("Location", url);
        PierServer.send(ctx, 202, out);
    }

    private static JsonNode parse(String text) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body must be one JSON object (the signal): "
                    + e.getOriginalMessage());
        } catch (RuntimeException e) {
            throw ApiException.badRequest("the body must be one JSON object (the signal)");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be one JSON object (the signal)");
        }
        Set<String> unknown = new TreeSet<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown signal field(s) " + unknown + "; known: app, env, chart,"
                    + " chart_version, bundle, images");
        }
        return body;
    }

    /** The same fields {@code pier deploy} takes; {@code images} may be a JSON object or its text. */
    static DeploySignal signal(JsonNode body, String origin, String actor) {
        JsonNode images = body.get("images");
        String imagesText = images == null || images.isNull() ? null
                : images.isTextual() ? images.asText() : Json.write(images);
        return new DeploySignal(text(body, "app"), text(body, "env"), text(body, "chart"),
                text(body, "chart_version"), text(body, "bundle"), imagesText, origin, actor);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("signal field '" + field + "' must be a string");
        }
        return v.asText();
    }
}

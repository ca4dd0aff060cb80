package dev.pier.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.config.NodeConfig;
import dev.pier.controller.Approvals;
import dev.pier.controller.ControllerException;
import dev.pier.controller.RunController;
import dev.pier.controller.RunWorker;
import dev.pier.intake.SignalIntake;
import dev.pier.json.ErrorJson;
import dev.pier.json.Json;
import dev.pier.pipeline.RunStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code pier server}: the HTTP API in front of the run worker. Health, readiness, metrics and the OpenAPI
 * document are open; everything else under {@code /api/v1} needs a token.
 */
public final class PierServer implements AutoCloseable {

    private final NodeConfig config;
    private final RunWorker worker;
    private final ServerLog log;
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final Javalin app;
    private volatile URI baseUrl;

    public record Parts(NodeConfig config, RunStore runs, RunController controller, Approvals approvals,
                        RunWorker worker, SignalIntake intake, ApiAuth auth, ServerMetrics metrics,
                        TokensApi tokens, CallbacksApi callbacks, ServerLog log) {}

    public PierServer(Parts p, String bind, int port) {
        this.config = p.config();
        this.worker = p.worker();
        this.log = p.log();
        RunsApi runs = new RunsApi(p.runs(), p.controller(), p.approvals(), p.auth(), this::runUrl);
        SignalsApi signals = new SignalsApi(p.intake(), p.controller(), p.auth(), p.metrics(), ready, this::runUrl);
        EnvironmentsApi environments = new EnvironmentsApi(p.config(), p.runs(), p.auth());
        byte[] openapi = OpenApi.document();
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = 256 * 1024;
            cfg.jetty.host = bind;
            cfg.jetty.port = port;
            cfg.routes.get("/healthz", ctx -> send(ctx, 200, Json.mapper().createObjectNode().put("status", "ok")));
            cfg.routes.get("/readyz", ctx -> {
                if (!ready.get()) {
                    throw new ApiException(503, "not_ready", "the server is starting or shutting down");
                }
                try {
                    p.runs().countByStatus(); // the store answers
                } catch (RuntimeException e) {
                    throw new ApiException(503, "not_ready", "the store does not answer: " + e.getClass().getSimpleName());
                }
                send(ctx, 200, Json.mapper().createObjectNode().put("status", "ready"));
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(p.metrics().scrape()));
            cfg.routes.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
            cfg.routes.post("/api/v1/signals", signals::post);
            cfg.routes.get("/api/v1/runs", runs::list);
            cfg.routes.get("/api/v1/runs/{id}", runs::get);
            cfg.routes.get("/api/v1/runs/{id}/log", runs::log);
            cfg.routes.post("/api/v1/runs/{id}/approve", ctx -> runs.decide(ctx, true));
            cfg.routes.post("/api/v1/runs/{id}/reject", ctx -> runs.decide(ctx, false));
            cfg.routes.post("/api/v1/runs/{id}/cancel", runs::cancel);
            cfg.routes.post("/api/v1/runs/{id}/callback", p.callbacks()::post); // signed, no bearer token
            cfg.routes.get("/api/v1/environments", environments::list);
            cfg.routes.post("/api/v1/tokens", p.tokens()::create);
            cfg.routes.get("/api/v1/tokens", p.tokens()::list);
            cfg.routes.delete("/api/v1/tokens/{id}", p.tokens()::revoke);
            cfg.routes.exception(ApiException.class, (e, ctx) -> send(ctx, e.status(), e.body()));
            cfg.routes.exception(ControllerException.class, (e, ctx) -> send(ctx, status(e.kind()),
                    ErrorJson.of(e.kind().name().toLowerCase(java.util.Locale.ROOT), e.getMessage())));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.warn("request failed", "method", ctx.method().name(), "path", ctx.path(),
                        "error", e.getClass().getName());
                send(ctx, 500, ErrorJson.of("internal", "internal error; see the server log"));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    send(ctx, 404, ErrorJson.of("not_found", "no such endpoint: " + ctx.method().name() + " "
                            + ctx.path()));
                }
            });
            cfg.routes.error(405, ctx -> send(ctx, 405, ErrorJson.of("method_not_allowed",
                    ctx.method().name() + " is not allowed on " + ctx.path())));
            cfg.requestLogger.http((ctx, ms) -> log.info("request", "method", ctx.method().name(), "path",
                    ctx.path(), "status", ctx.statusCode(), "ms", Math.round(ms)));
        });
    }

    static int status(ControllerException.Kind kind) {
        return switch (kind) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case POLICY -> 422;
            case UNAVAILABLE -> 503;
        };
    }

    static void send(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    public PierServer start() {
        app.start();
        URI configured = config.server().publicUrl();
        String host = config.server().bind().contains(":") ? "[" + config.server().bind() + "]" : config.server().bind();
        baseUrl = configured != null ? configured : URI.create("http://" + host + ":" + app.port());
        worker.start();
        ready.set(true);
        log.info("listening", "url", baseUrl.toString(), "port", app.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    String runUrl(String runId) {
        String base = baseUrl == null ? "" : baseUrl.toString().replaceAll("/+$", "");
        return base + "/api/v1/runs/" + runId;
    }

    /**
     * Graceful stop: refuse new signals (readiness fails), let executing runs finish within the grace period,
     * interrupt the rest, then close the listener.
     */
    public void shutdown(Duration grace) {
        ready.set(false);
        log.info("shutting down", "grace_seconds", grace.toSeconds(), "executing", worker.executingCount());
        worker.shutdown(grace);
        app.stop();
        log.info("stopped");
    }

    @Override
    public void close() {
        shutdown(config.server().shutdownGrace());
    }
}

package dev.pier.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.auth.Principal;
import dev.pier.auth.Scope;
import dev.pier.config.Durations;
import dev.pier.controller.Approvals;
import dev.pier.controller.RunController;
import dev.pier.json.Json;
import dev.pier.json.RunJson;
import dev.pier.pipeline.ErrorReport;
import dev.pier.pipeline.LogLine;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Reading, following, approving, rejecting and cancelling runs. */
final class RunsApi {

    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final int MAX_LOG_PAGE = 1000;

    private final RunStore runs;
    private final RunController controller;
    private final Approvals approvals;
    private final ApiAuth auth;
    private final Function<String, String> runUrl;

    RunsApi(RunStore runs, RunController controller, Approvals approvals, ApiAuth auth,
            Function<String, String> runUrl) {
        this.runs = runs;
        this.controller = controller;
        this.approvals = approvals;
        this.auth = auth;
        this.runUrl = runUrl;
    }

    void get(Context ctx) throws InterruptedException {
        ApiAuth.Caller caller = auth.identify(ctx);
        Duration wait = waitParam(ctx.queryParam("wait"));
        Run run = controller.find(ctx.pathParam("id"));
        auth.requireRead(caller, run.app(), run.environment());
        if (!wait.isZero()) {
            run = controller.awaitChange(run.id(), wait);
        }
        PierServer.send(ctx, 200, view(run));
    }

    void list(Context ctx) {
        ApiAuth.Caller caller = auth.identify(ctx);
        Principal p = auth.known(caller).orElseThrow(() -> ApiException.forbidden(
                "an OIDC token may read only the runs it signalled, by id"));
        RunStatus status = null;
        if (ctx.queryParam("status") != null) {
            try {
                status = RunStatus.fromWire(ctx.queryParam("status"));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("status: " + e.getMessage());
            }
        }
        int limit = intParam(ctx.queryParam("limit"), 50, 500, "limit");
        int want = limit <= 0 ? 50 : limit;
        // The newest `want` runs the caller sees: runs it may not see must not use up the page, so look further
        // back until the page is full or the store has no more.
        List<Run> visible;
        for (int fetch = want; ; fetch = (int) Math.min(Integer.MAX_VALUE, fetch * 4L)) {
            List<Run> found = runs.list(new RunStore.RunQuery(ctx.queryParam("app"), ctx.queryParam("env"), status,
                    fetch));
            visible = found.stream().filter(r -> p.sees(r.app(), r.environment())).limit(want).toList();
            if (visible.size() >= want || found.size() < fetch || fetch == Integer.MAX_VALUE) {
                break;
            }
        }
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode list = out.putArray("runs");
        visible.forEach(r -> list.add(RunJson.of(r, null, runUrl.apply(r.id()))));
        PierServer.send(ctx, 200, out);
    }

    void log(Context ctx) {
        ApiAuth.Caller caller = auth.identify(ctx);
        Run run = controller.find(ctx.pathParam("id"));
        auth.requireRead(caller, run.app(), run.environment());
        long after = intParam(ctx.queryParam("after"), 0, Integer.MAX_VALUE, "after");
        int limit = intParam(ctx.queryParam("limit"), 500, MAX_LOG_PAGE, "limit");
        List<LogLine> lines = runs.log(run.id(), after, limit);
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("run_id", run.id()).put("status", run.status().wireName()).put("terminal", run.status().isTerminal());
        ArrayNode arr = out.putArray("lines");
        lines.forEach(l -> arr.add(RunJson.line(l)));
        out.put("next_after", lines.isEmpty() ? after : lines.get(lines.size() - 1).seq());
        PierServer.send(ctx, 200, out);
    }

    void decide(Context ctx, boolean approve) {
        ApiAuth.Caller caller = auth.identify(ctx);
        Run run = controller.find(ctx.pathParam("id"));
        Principal p = auth.require(caller, Scope.Action.APPROVE, run.app(), run.environment());
        String comment = optionalComment(ctx.body());
        Run after = approvals.decide(run.id(), p.name(), p.via(), approve, comment);
        PierServer.send(ctx, 200, view(after));
    }

    void cancel(Context ctx) {
        ApiAuth.Caller caller = auth.identify(ctx);
        Run run = controller.find(ctx.pathParam("id"));
        Principal p = auth.require(caller, Scope.Action.SIGNAL, run.app(), run.environment());
        Run after = controller.cancel(run.id(), p.name());
        PierServer.send(ctx, after.status().isTerminal() ? 200 : 202, view(after));
    }

    private ObjectNode view(Run run) {
        return RunJson.of(run, runs.logTail(run.id(), ErrorReport.TAIL_LINES), runUrl.apply(run.id()));
    }

    static Duration waitParam(String text) {
        if (text == null || text.isBlank()) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("wait: " + e.getMessage());
        }
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    }

    private static int intParam(String text, int fallback, int max, String name) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text.trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.min(v, max);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + ": expected a non-negative integer, got '" + text + "'");
        }
    }

    private static String optionalComment(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(body);
            JsonNode c = n == null ? null : n.get("comment");
            return c == null || c.isNull() ? null : c.asText().substring(0, Math.min(500, c.asText().length()));
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the body, when given, must be {\"comment\": \"…\"}");
        }
    }
}

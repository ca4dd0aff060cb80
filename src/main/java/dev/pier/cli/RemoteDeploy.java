package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.json.Json;
import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.RunStatus;
import java.time.Duration;

/**
 * {@code pier deploy --server}: sends the signal to a Pier server, follows the run to its end (its log to
 * stderr), prints the URL or the error report, and exits as a local deploy would. The one CI step that
 * replaces {@code deploy.sh}.
 */
final class RemoteDeploy {

    private static final Duration POLL = Duration.ofSeconds(20);

    private final CliContext ctx;
    private final ApiClient api;
    private final OutputFormat output;

    RemoteDeploy(CliContext ctx, ApiClient api, OutputFormat output) {
        this.ctx = ctx;
        this.api = api;
        this.output = output;
    }

    int deploy(DeploySignal s, boolean wait) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("app", s.app());
        putIfSet(body, "env", s.environment());
        putIfSet(body, "chart", s.chart());
        putIfSet(body, "chart_version", s.chartVersion());
        putIfSet(body, "bundle", s.bundle());
        body.put("images", s.images());
        ApiClient.Response r = api.post("/api/v1/signals", body);
        if (r.status() == 400 && "invalid_signal".equals(r.body().path("error").asText())) {
            return invalid(r.body());
        }
        if (r.status() != 202) {
            throw new CliException(ApiClient.exitCode(r.status()), "the server refused the signal (HTTP " + r.status()
                    + "): " + r.message());
        }
        String id = r.body().path("run_id").asText();
        ctx.err().println("pier: run " + id + " queued on " + api.base() + " (" + r.body().path("url").asText() + ")");
        ctx.err().flush();
        if (!wait) {
            ctx.out().println(output == OutputFormat.json ? Json.writePretty(r.body()) : id);
            return ExitCodes.SUCCEEDED;
        }
        return follow(id);
    }

    private int follow(String id) {
        Cancellation stop = new Cancellation();
        long after = 0;
        JsonNode run;
        String lastStatus = "";
        try (TerminationSignals ignored = TerminationSignals.cancelOn(stop)) {
            while (true) {
                after = printLog(id, after);
                ApiClient.Response r = api.get("/api/v1/runs/" + id + "?wait=" + POLL.toSeconds() + "s",
                        POLL.plusSeconds(15));
                if (r.status() != 200) {
                    throw new CliException(ApiClient.exitCode(r.status()), "cannot follow run " + id + " (HTTP "
                            + r.status() + "): " + r.message());
                }
                run = r.body();
                after = printLog(id, after);
                String status = run.path("status_label").asText();
                if (!status.equals(lastStatus)) {
                    ctx.err().println("pier: run " + id + " is " + status);
                    ctx.err().flush();
                    lastStatus = status;
                }
                if (run.path("terminal").asBoolean()) {
                    break;
                }
                if (stop.isCancelled()) {
                    ctx.err().println("pier: stopped following (" + stop.reason() + "); run " + id
                            + " goes on on the server");
                    ctx.out().println(id);
                    return ExitCodes.NOT_FINISHED;
                }
            }
        }
        return finished(run);
    }

    private long printLog(String id, long after) {
        ApiClient.Response r = api.get("/api/v1/runs/" + id + "/log?after=" + after, Duration.ofSeconds(30));
        if (r.status() != 200) {
            return after;
        }
        for (JsonNode line : r.body().path("lines")) {
            String stream = line.path("stream").asText();
            ctx.err().println(("pier".equals(stream) ? "pier: " : "  ") + line.path("text").asText());
        }
        ctx.err().flush();
        return r.body().path("next_after").asLong(after);
    }

    private int finished(JsonNode run) {
        RunStatus status = RunStatus.fromWire(run.path("status").asText());
        String target = run.path("app").asText() + "/" + run.path("environment").asText();
        if (output == OutputFormat.json) {
            ctx.out().println(Json.writePretty(run));
        } else if (status == RunStatus.SUCCEEDED) {
            ctx.out().printf("succeeded: %s run %s%s%n", target, run.path("id").asText(),
                    run.path("deployed_url").isTextual() ? "\ndeployed_url: " + run.path("deployed_url").asText() : "");
        } else {
            ctx.out().printf("%s: %s run %s%n", run.path("status_label").asText(), target, run.path("id").asText());
            JsonNode e = run.path("error");
            if (e.isObject()) {
                ctx.out().printf("error: %s%nstep: %s%s%n", e.path("summary").asText(), e.path("step").asText(),
                        e.path("exit_code").isInt() ? " (exit code " + e.path("exit_code").asInt() + ")" : "");
            }
        }
        return switch (status) {
            case SUCCEEDED -> ExitCodes.SUCCEEDED;
            case FAILED -> ExitCodes.FAILED;
            case REJECTED -> ExitCodes.REFUSED;
            case CANCELLED, SUPERSEDED -> ExitCodes.CANCELLED;
            default -> ExitCodes.NOT_FINISHED;
        };
    }

    private int invalid(JsonNode body) {
        if (output == OutputFormat.json) {
            ctx.out().println(Json.writePretty(body));
        }
        ctx.err().println("pier: invalid signal; nothing was deployed:");
        for (JsonNode v : body.path("violations")) {
            ctx.err().println("  " + v.path("argument").asText() + ": " + v.path("message").asText() + " ["
                    + v.path("rule").asText() + "]");
        }
        ctx.err().flush();
        return ExitCodes.INVALID;
    }

    private static void putIfSet(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}

package dev.pier.deploy.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.config.DeployerSpec;
import dev.pier.deploy.argocd.ArgoCdClient.ArgoCdException;
import dev.pier.deploy.http.ControllerHttp;
import dev.pier.pipeline.CancelledException;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.Release;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/** One deploy through Argo CD: read, patch, sync, then wait for Synced and Healthy, all within one deadline. */
final class ArgoCdRun {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final DeployerSpec.ArgoCd spec;
    private final ArgoCdClient client;
    private final ControllerHttp io;
    private final Release release;
    private final DeployContext context;
    private final String app;
    private final long deadline;

    ArgoCdRun(DeployerSpec.ArgoCd spec, ArgoCdClient client, ControllerHttp io, Release release,
              DeployContext context) {
        this.spec = spec;
        this.client = client;
        this.io = io;
        this.release = release;
        this.context = context;
        this.app = "Argo CD application " + spec.application();
        this.deadline = System.nanoTime() + spec.timeout().toNanos();
    }

    /** A call that ends the deploy, carrying how. */
    private static final class Stop extends Exception {
        final transient DeployOutcome outcome;

        Stop(DeployOutcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    private interface Call {
        JsonNode call(Duration timeout) throws ArgoCdException, IOException, CancelledException;
    }

    private enum Retry { ALWAYS, CONNECT_ONLY }

    DeployOutcome run() {
        try {
            JsonNode application = step("argocd get", "GET", client.applicationUrl(), Retry.ALWAYS, client::get);
            ApplicationState before = ApplicationState.of(application);
            context.log().pier(app + ": " + before.describe());
            JsonNode source = application.path("spec").path("source");
            if (!source.isObject()) {
                return failed("argocd get", app + " has no spec.source; Pier updates single-source applications"
                        + " (spec.sources is not supported)");
            }
            SourcePatch patch;
            try {
                patch = SourcePatch.of(spec, source, release);
            } catch (IllegalArgumentException e) {
                return failed("argocd patch", e.getMessage());
            }
            patch.changes().forEach(c -> context.log().pier(c));
            step("argocd patch", "PATCH", client.patchUrl(), Retry.ALWAYS, t -> client.patch(patch.json(), t));
            String revision = spec.chartRevision() ? release.chart().version() : null;
            try {
                step("argocd sync", "POST", client.syncUrl(), Retry.CONNECT_ONLY, t -> client.sync(revision, t));
            } catch (Stop s) {
                if (!alreadySyncing(s.outcome)) {
                    throw s;
                }
                context.log().pier(app + " is already syncing (automated sync?); waiting for that operation");
            }
            return await(before.startedAt());
        } catch (Stop s) {
            return s.outcome;
        }
    }

    private DeployOutcome await(String previousOperation) throws Stop {
        String name = "argocd wait";
        int index = context.stepStarted(name, List.of("GET", client.applicationUrl().toString()));
        String last = "no status read yet";
        String logged = null;
        while (true) {
            if (expired()) {
                context.stepEnded(index, null, "timed_out");
                return new DeployOutcome.Failed("timed_out", name, null, app + " was not Synced and Healthy within "
                        + spec.timeout().toSeconds() + "s (last: " + last + ")");
            }
            Duration limit = requestTimeout();
            try {
                ApplicationState s = ApplicationState.of(client.get(limit));
                last = s.describe();
                if (s.operationEndedSince(previousOperation)) {
                    DeployOutcome end = verdict(s);
                    if (end != null) {
                        context.stepEnded(index, null, end instanceof DeployOutcome.Succeeded ? "succeeded" : "failed");
                        return end;
                    }
                }
            } catch (ArgoCdException e) {
                if (!e.transientError) {
                    context.stepEnded(index, null, "failed");
                    return failed(name, e.getMessage());
                }
                last = e.getMessage();
            } catch (HttpTimeoutException e) {
                if (limit.equals(REQUEST_TIMEOUT) || last.equals("no status read yet")) { // else the deadline cut it
                    last = "no answer within " + ControllerHttp.seconds(limit) + "s";
                }
            } catch (IOException e) {
                last = describe(e);
            } catch (CancelledException e) {
                context.stepEnded(index, null, "cancelled");
                return new DeployOutcome.Cancelled(e.getMessage());
            }
            if (!last.equals(logged)) {
                context.log().pier(last);
                logged = last;
            }
            if (!io.pause(min(spec.pollInterval(), left()))) {
                context.stepEnded(index, null, "cancelled");
                return new DeployOutcome.Cancelled(context.cancellation().reason());
            }
        }
    }

    /** How a finished operation ends the deploy, or null while Argo CD still converges (OutOfSync, Progressing). */
    private DeployOutcome verdict(ApplicationState s) {
        if (s.operationFailed()) {
            return failed("argocd sync", app + ": sync " + s.phase() + ": " + (s.phaseMessage() == null
                    ? "(no message)" : ControllerHttp.oneLine(s.phaseMessage(), 300)) + s.details());
        }
        if (s.degraded()) {
            return failed("argocd wait", app + " is Degraded after the sync"
                    + (s.healthMessage() == null ? "" : ": " + ControllerHttp.oneLine(s.healthMessage(), 300))
                    + s.details());
        }
        if (s.synced() && s.healthy()) {
            String url = s.externalUrls().stream().filter(u -> u.startsWith("https://") || u.startsWith("http://"))
                    .findFirst().orElse(null);
            return new DeployOutcome.Succeeded(app + " is Synced and Healthy", url);
        }
        return null;
    }

    private JsonNode step(String name, String method, URI url, Retry retry, Call call) throws Stop {
        int index = context.stepStarted(name, List.of(method, url.toString()));
        context.log().pier(method + " " + url);
        String last = "no answer";
        while (true) {
            if (expired()) {
                context.stepEnded(index, null, "timed_out");
                throw new Stop(new DeployOutcome.Failed("timed_out", name, null, app + ": no answer to " + method
                        + " within " + spec.timeout().toSeconds() + "s (last: " + last + ")"));
            }
            Duration limit = requestTimeout();
            try {
                JsonNode n = call.call(limit);
                context.stepEnded(index, null, "succeeded");
                return n;
            } catch (ArgoCdException e) {
                if (!e.transientError || retry != Retry.ALWAYS) {
                    context.stepEnded(index, null, "failed");
                    throw new Stop(failed(name, e.getMessage()));
                }
                last = e.getMessage();
            } catch (HttpTimeoutException e) {
                if (retry != Retry.ALWAYS) {
                    context.stepEnded(index, null, "timed_out");
                    throw new Stop(new DeployOutcome.Failed("timed_out", name, null, "Argo CD did not answer "
                            + method + " " + url + " within " + ControllerHttp.seconds(limit) + "s"));
                }
                last = "no answer within " + ControllerHttp.seconds(limit) + "s";
            } catch (IOException e) {
                if (retry != Retry.ALWAYS && !(e instanceof ConnectException)) {
                    context.stepEnded(index, null, "failed");
                    throw new Stop(failed(name, "Argo CD at " + spec.server() + ": " + describe(e)));
                }
                last = describe(e);
            } catch (CancelledException e) {
                context.stepEnded(index, null, "cancelled");
                throw new Stop(new DeployOutcome.Cancelled(e.getMessage()));
            }
            context.log().pier(name + ": " + last + "; trying again");
            if (!io.pause(min(spec.pollInterval(), left()))) {
                context.stepEnded(index, null, "cancelled");
                throw new Stop(new DeployOutcome.Cancelled(context.cancellation().reason()));
            }
        }
    }

    private static boolean alreadySyncing(DeployOutcome o) {
        return o instanceof DeployOutcome.Failed f && f.summary() != null
                && f.summary().contains("another operation is already in progress");
    }

    private static DeployOutcome failed(String step, String summary) {
        return new DeployOutcome.Failed("deploy_failed", step, null, summary);
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private boolean expired() {
        Duration left = left();
        return left.isNegative() || left.isZero();
    }

    private Duration left() {
        return Duration.ofNanos(deadline - System.nanoTime());
    }

    private Duration requestTimeout() {
        Duration left = left();
        return left.compareTo(REQUEST_TIMEOUT) < 0 ? (expired() ? Duration.ofMillis(1) : left) : REQUEST_TIMEOUT;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}

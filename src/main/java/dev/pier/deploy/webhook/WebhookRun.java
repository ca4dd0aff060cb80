package dev.pier.deploy.webhook;

import dev.pier.config.DeployerSpec;
import dev.pier.deploy.http.ControllerHttp;
import dev.pier.deploy.http.ControllerHttp.Answer;
import dev.pier.pipeline.CancelledException;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.RunCallbacks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/** One deploy through a webhook: the signed POST, then the status URL or the callback, within one deadline. */
final class WebhookRun {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final DeployerSpec.Webhook spec;
    private final SignedRequests signer;
    private final ControllerHttp io;
    private final DeployContext context;
    private final String host;
    private final long deadline;

    WebhookRun(DeployerSpec.Webhook spec, SignedRequests signer, ControllerHttp io, DeployContext context) {
        this.spec = spec;
        this.signer = signer;
        this.io = io;
        this.context = context;
        this.host = spec.url().getAuthority();
        this.deadline = System.nanoTime() + spec.timeout().toNanos();
    }

    DeployOutcome run(String delivery, byte[] body, RunCallbacks.Waiting waiting) {
        String step = "webhook POST";
        int index = context.stepStarted(step, List.of("POST", spec.url().toString()));
        context.log().pier("POST " + spec.url() + " (delivery " + delivery + ")");
        Answer answer;
        Duration limit = requestTimeout();
        try {
            answer = io.send(signer.post(spec.url(), delivery, body), limit);
        } catch (HttpTimeoutException e) {
            context.stepEnded(index, null, "timed_out");
            return new DeployOutcome.Failed("timed_out", step, null, host + " did not answer the deploy POST within "
                    + ControllerHttp.seconds(limit) + "s; nothing says whether it deployed");
        } catch (IOException e) {
            context.stepEnded(index, null, "failed");
            return failed(step, "cannot reach " + spec.url() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (CancelledException e) {
            context.stepEnded(index, null, "cancelled");
            return new DeployOutcome.Cancelled(e.getMessage());
        }
        String refusal = refusal(answer, "the deploy POST");
        ControllerStatus status = null;
        if (refusal == null) {
            try {
                status = ControllerStatus.parse(answer.body());
            } catch (IOException e) {
                refusal = host + " answered " + answer.status() + " with a body that is not a JSON object";
            }
        }
        if (refusal != null) {
            context.stepEnded(index, null, "failed");
            return failed(step, refusal);
        }
        context.stepEnded(index, null, "succeeded");
        context.log().pier(host + " accepted the release (" + answer.status() + ", " + status.describe() + ")");
        if (status.terminal()) {
            return outcome(step, status);
        }
        if (waiting != null) {
            return awaitCallback(waiting);
        }
        String location = status.statusUrl() != null ? status.statusUrl() : answer.header("Location").orElse(null);
        if (location == null) {
            return failed(step, host + " answered " + answer.status() + " without status_url or Location; with"
                    + " status: poll it must say where Pier follows the deploy");
        }
        URI statusUrl;
        try {
            statusUrl = spec.url().resolve(new URI(location));
        } catch (java.net.URISyntaxException e) {
            return failed(step, host + " answered a status URL that is not a URL: " + e.getMessage());
        }
        if (!ControllerHttp.sameOrigin(spec.url(), statusUrl)) {
            return failed(step, "the status URL " + statusUrl + " is not on " + host + "; Pier sends signed requests"
                    + " only to the configured url's scheme, host and port");
        }
        return poll(statusUrl);
    }

    private DeployOutcome poll(URI statusUrl) {
        String step = "webhook status";
        int index = context.stepStarted(step, List.of("GET", statusUrl.toString()));
        String last = "no answer yet";
        String logged = null;
        while (true) {
            if (left().isNegative() || left().isZero()) {
                context.stepEnded(index, null, "timed_out");
                return timedOut(step, last);
            }
            Duration limit = requestTimeout();
            try {
                Answer a = io.send(signer.get(statusUrl), limit);
                String refusal = a.status() == 404 || a.status() == 410 ? "the status URL " + statusUrl
                        + " answered " + a.status() : a.ok() || a.status() == 429 || a.status() >= 500 ? null
                        : refusal(a, "the status request");
                if (refusal != null) {
                    context.stepEnded(index, null, "failed");
                    return failed(step, refusal);
                }
                if (a.ok()) {
                    ControllerStatus s = ControllerStatus.parse(a.body());
                    if (s.terminal()) {
                        context.stepEnded(index, null, s.succeeded() ? "succeeded" : "failed");
                        return outcome(step, s);
                    }
                    last = s.known() ? s.describe() : "unknown status '" + ControllerHttp.oneLine(s.status(), 40)
                            + "' (still waiting)";
                } else {
                    last = "answered " + a.status() + " " + ControllerStatus.messageOf(a.body());
                }
            } catch (HttpTimeoutException e) {
                if (limit.equals(REQUEST_TIMEOUT) || last.equals("no answer yet")) { // else the deadline cut it short
                    last = "no answer within " + ControllerHttp.seconds(limit) + "s";
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (CancelledException e) {
                context.stepEnded(index, null, "cancelled");
                return new DeployOutcome.Cancelled(e.getMessage());
            }
            if (!last.equals(logged)) {
                context.log().pier("status: " + last);
                logged = last;
            }
            if (!io.pause(min(spec.pollInterval(), left()))) {
                context.stepEnded(index, null, "cancelled");
                return new DeployOutcome.Cancelled(context.cancellation().reason());
            }
        }
    }

    private DeployOutcome awaitCallback(RunCallbacks.Waiting waiting) {
        String step = "webhook callback";
        int index = context.stepStarted(step, List.of("await POST", waiting.url()));
        context.log().pier("waiting for " + host + " to POST the outcome to " + waiting.url());
        String last = "no callback yet";
        while (true) {
            if (context.cancellation().isCancelled()) {
                context.stepEnded(index, null, "cancelled");
                return new DeployOutcome.Cancelled(context.cancellation().reason());
            }
            if (left().isNegative() || left().isZero()) {
                context.stepEnded(index, null, "timed_out");
                return timedOut(step, last);
            }
            RunCallbacks.Callback c;
            try {
                c = waiting.next(left());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                context.stepEnded(index, null, "cancelled");
                return new DeployOutcome.Cancelled("interrupted");
            }
            if (c == null) {
                continue;
            }
            ControllerStatus s = new ControllerStatus(c.status(), c.message(), c.deployedUrl(), null);
            context.log().pier("callback: " + s.describe());
            if (s.terminal()) {
                context.stepEnded(index, null, s.succeeded() ? "succeeded" : "failed");
                return outcome(step, s);
            }
            last = s.describe();
        }
    }

    /** Why an answer ends the deploy, or null when it is a 2xx. */
    private String refusal(Answer a, String what) {
        if (a.ok()) {
            return null;
        }
        String said = ControllerStatus.messageOf(a.body());
        String quote = said.isEmpty() ? "" : "; it said: " + said;
        if (a.redirect()) {
            return host + " answered " + a.status() + " to " + what + ", redirecting to "
                    + a.header("Location").orElse("(no Location)") + "; Pier does not follow redirects with a signed"
                    + " request";
        }
        if (a.status() == 401 || a.status() == 403) {
            return host + " refused " + what + " (" + a.status() + "): it did not accept Pier's signature; check"
                    + " that secret '" + spec.secret() + "' holds the key it verifies with and that the clocks agree"
                    + quote;
        }
        return host + " answered " + a.status() + " to " + what + quote;
    }

    private DeployOutcome outcome(String step, ControllerStatus s) {
        if (s.succeeded()) {
            String url = s.safeDeployedUrl();
            if (s.deployedUrl() != null && url == null) {
                context.log().pier("ignoring deployed_url: not a plain http(s) URL");
            }
            return new DeployOutcome.Succeeded(host + " reported " + s.describe(), url);
        }
        return failed(step, host + " reported " + s.describe());
    }

    private DeployOutcome timedOut(String step, String last) {
        return new DeployOutcome.Failed("timed_out", step, null, host + " reported no final status within "
                + spec.timeout().toSeconds() + "s (last: " + last + ")");
    }

    private static DeployOutcome failed(String step, String summary) {
        return new DeployOutcome.Failed("deploy_failed", step, null, summary);
    }

    private Duration left() {
        return Duration.ofNanos(deadline - System.nanoTime());
    }

    private Duration requestTimeout() {
        Duration left = left();
        return left.compareTo(REQUEST_TIMEOUT) < 0 ? (left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left)
                : REQUEST_TIMEOUT;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}

package dev.pier.deploy.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.config.DeployerSpec;
import dev.pier.deploy.ReleaseFiles;
import dev.pier.deploy.Templates;
import dev.pier.deploy.http.ControllerHttp;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Deployer;
import dev.pier.pipeline.PlannedCommand;
import dev.pier.pipeline.RunCallbacks;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Type {@code webhook}: hands the release to a deploy controller (seed 001's "Lightway") as signed JSON, then
 * follows the status URL it answers or waits for its signed callback, until it reports success or failure, or the
 * timeout passes.
 */
public final class WebhookDeployer implements Deployer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final RunCallbacks callbacks;
    private final Clock clock;

    public WebhookDeployer(RunCallbacks callbacks) {
        this(ControllerHttp.client(), callbacks, Clock.systemUTC());
    }

    public WebhookDeployer(HttpClient http, RunCallbacks callbacks, Clock clock) {
        this.http = http;
        this.callbacks = callbacks;
        this.clock = clock;
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public List<PlannedCommand> plan(DeployRequest request) {
        DeployerSpec.Webhook spec = spec(request);
        Map<String, String> headers = new LinkedHashMap<>(spec.headers());
        headers.put("X-Pier-Signature", "sha256=*** (HMAC-SHA256 keyed by secret " + spec.secret() + ")");
        String then = spec.status() == DeployerSpec.Webhook.StatusMode.POLL
                ? "then GET its status_url every " + spec.pollInterval().toSeconds() + "s"
                : "then wait for its signed callback to POST /api/v1/runs/{id}/callback";
        return List.of(new PlannedCommand(List.of("POST", spec.url().toString()), request.workDir(), headers,
                then + ", for up to " + spec.timeout().toSeconds() + "s in all"));
    }

    @Override
    public DeployOutcome deploy(DeployRequest request, DeployContext context) {
        DeployerSpec.Webhook spec = spec(request);
        String key = request.secrets().get(spec.secret());
        if (key == null) {
            return new DeployOutcome.Failed("not_started", "webhook", null, "secret '" + spec.secret()
                    + "' was not provided to this run");
        }
        String delivery = UUID.randomUUID().toString();
        Optional<RunCallbacks.Waiting> waiting = Optional.empty();
        if (spec.status() == DeployerSpec.Webhook.StatusMode.CALLBACK) {
            waiting = callbacks.open(request.runId(), delivery);
            if (waiting.isEmpty()) {
                return new DeployOutcome.Failed("not_started", "webhook", null, "status: callback needs pier"
                        + " server, which receives the controller's callback; a local pier deploy cannot");
            }
            // Opened before the POST, so a callback that arrives before its answer is not lost.
            RunCallbacks.Waiting w = waiting.get();
            context.cancellation().onCancel(w::wake);
        }
        try {
            byte[] body;
            try {
                body = JSON.writeValueAsBytes(payload(request, delivery, waiting.map(RunCallbacks.Waiting::url)));
            } catch (java.io.IOException e) {
                return new DeployOutcome.Failed("not_started", "webhook", null, "cannot write the release: " + e);
            }
            SignedRequests signer = new SignedRequests(key, spec.headers(), request.runId(), clock);
            return new WebhookRun(spec, signer, new ControllerHttp(http, context.cancellation()), context)
                    .run(delivery, body, waiting.orElse(null));
        } finally {
            waiting.ifPresent(RunCallbacks.Waiting::close);
        }
    }

    /** The body of the deploy POST: the release with every reference as deployed, plus what the receiver needs. */
    private Map<String, Object> payload(DeployRequest request, String delivery, Optional<String> callbackUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "deploy");
        m.put("delivery", delivery);
        m.put("sent_at", clock.instant().toString());
        m.putAll(ReleaseFiles.releaseJson(request));
        String template = request.environment().deployedUrl();
        if (template != null) {
            try {
                m.put("deployed_url", Templates.render(template, Templates.model(request)));
            } catch (Templates.TemplateException e) {
                // the run reports this itself when it ends; the receiver simply gets no hint
            }
        }
        callbackUrl.ifPresent(u -> m.put("callback_url", u));
        return m;
    }

    private static DeployerSpec.Webhook spec(DeployRequest request) {
        if (!(request.environment().deployer() instanceof DeployerSpec.Webhook w)) {
            throw new IllegalArgumentException("webhook deployer given a " + request.environment().deployer().type()
                    + " deployer spec");
        }
        return w;
    }
}

package dev.pier.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.ServerSpec.NotificationSpec;
import dev.pier.json.Json;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Posts run events to webhooks so approvers learn a run waits for them. The body is simple JSON whose
 * {@code text} field Slack shows as is. Each delivery carries {@code X-Pier-Timestamp} and
 * {@code X-Pier-Signature: sha256=HMAC(secret, timestamp + "." + body)}, so receivers can refuse forgeries
 * and replays. Deliveries are retried a few times and never hold up a run.
 */
public final class WebhookNotifier implements AutoCloseable {

    private static final int ATTEMPTS = 3;

    private final List<NotificationSpec> targets;
    private final Function<String, String> secretValue;
    private final Function<String, String> runUrl;
    private final BiConsumer<String, String> log;
    private final Clock clock;
    private final HttpClient http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param secretValue node secret name → value
     * @param runUrl      run id → the run's API URL
     * @param log         (message, detail) for delivery problems; never given a secret
     */
    public WebhookNotifier(List<NotificationSpec> targets, Function<String, String> secretValue,
                           Function<String, String> runUrl, BiConsumer<String, String> log, Clock clock) {
        this.targets = List.copyOf(targets);
        this.secretValue = secretValue;
        this.runUrl = runUrl;
        this.log = log;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(executor)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public void changed(Run run) {
        for (NotificationSpec target : targets) {
            if (target.events().contains(run.status().wireName())) {
                byte[] body = body(run);
                executor.submit(() -> deliver(target, run, body));
            }
        }
    }

    byte[] body(Run run) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("text", text(run));
        root.put("event", run.status().wireName());
        ObjectNode r = root.putObject("run");
        r.put("id", run.id()).put("app", run.app()).put("environment", run.environment())
                .put("status", run.status().wireName()).put("status_label", run.statusLabel())
                .put("attempt", run.attempt()).put("url", runUrl.apply(run.id()))
                .put("actor", run.signal().actor());
        if (run.deployedUrl() != null) {
            r.put("deployed_url", run.deployedUrl());
        }
        if (run.error() != null) {
            r.put("error", run.error().summary());
        }
        Map<String, String> images = new java.util.LinkedHashMap<>();
        run.release().images().forEach((c, ref) -> images.put(c, ref.deploy()));
        r.set("images", Json.mapper().valueToTree(images));
        return Json.write(root).getBytes(StandardCharsets.UTF_8);
    }

    private String text(Run run) {
        String target = run.app() + "/" + run.environment();
        String link = runUrl.apply(run.id());
        return switch (run.status()) {
            case AWAITING_APPROVAL -> "Pier: " + target + " run " + run.id() + " by " + run.signal().actor()
                    + " is awaiting approval (" + (run.approval() == null ? 1 : run.approval().required())
                    + " needed): pier approve " + run.id() + " (" + link + ")";
            case SUCCEEDED -> "Pier: " + target + " deployed" + (run.deployedUrl() == null ? "" : " at "
                    + run.deployedUrl()) + " (run " + run.id() + ")";
            case FAILED -> "Pier: " + target + " run " + run.id() + " " + run.statusLabel() + ": "
                    + (run.error() == null ? "" : run.error().summary()) + " (" + link + ")";
            default -> "Pier: " + target + " run " + run.id() + " is " + run.statusLabel() + " (" + link + ")";
        };
    }

    private void deliver(NotificationSpec target, Run run, byte[] body) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url()).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "pier-notify")
                .header("X-Pier-Event", run.status().wireName())
                .header("X-Pier-Delivery", UUID.randomUUID().toString())
                .header("X-Pier-Timestamp", timestamp)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (target.secret() != null) {
            request.header("X-Pier-Signature", "sha256=" + Signatures.hmacSha256Hex(secretValue.apply(target.secret()),
                    timestamp + "." + new String(body, StandardCharsets.UTF_8)));
        }
        String last = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                last = "answered " + response.statusCode();
            } catch (java.io.IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(500L * attempt * attempt); // backoff between deliveries, off the run's thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.accept("notification not delivered", target.url().getHost() + " " + run.status().wireName() + " run "
                + run.id() + ": " + last);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

}

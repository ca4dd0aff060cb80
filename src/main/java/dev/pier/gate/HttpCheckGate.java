package dev.pier.gate;

import dev.pier.config.EnvironmentControls.HttpCheck;
import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.LogSink;
import dev.pier.pipeline.PostDeployCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** GETs the check URL until it answers the expected status or the deadline passes. */
public final class HttpCheckGate implements PostDeployCheck {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final Clock clock;

    public HttpCheckGate(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    public static HttpCheckGate standard(Clock clock) {
        return new HttpCheckGate(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build(), clock);
    }

    @Override
    public Result run(HttpCheck spec, String url, Cancellation cancel, LogSink log) {
        URI uri;
        try {
            uri = URI.create(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                return new Result(false, "check url '" + url + "' is not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            return new Result(false, "check url '" + url + "' is not a URL: " + e.getMessage());
        }
        Instant deadline = clock.instant().plus(spec.deadline());
        CountDownLatch cancelled = new CountDownLatch(1);
        cancel.onCancel(cancelled::countDown);
        String last = "no answer yet";
        int attempt = 0;
        while (!cancel.isCancelled()) {
            attempt++;
            last = probe(uri, spec.expectStatus());
            if (last == null) {
                return new Result(true, "GET " + uri + " answered " + spec.expectStatus() + " (attempt " + attempt + ")");
            }
            log.pier("check attempt " + attempt + ": " + last);
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                break;
            }
            Duration pause = spec.interval().compareTo(left) < 0 ? spec.interval() : left;
            try {
                // Waits for the next attempt, or returns at once when the run is cancelled.
                if (cancelled.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Result(false, "GET " + uri + " did not answer " + spec.expectStatus() + " within "
                + spec.deadline().toSeconds() + "s (" + attempt + " attempts; last: " + last + ")");
    }

    /** Null when the URL answered as expected; otherwise what it did instead. */
    private String probe(URI uri, int expect) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET()
                .header("User-Agent", "pier-check").build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == expect ? null : "answered " + response.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}

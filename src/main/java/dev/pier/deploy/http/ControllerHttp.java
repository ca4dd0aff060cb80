package dev.pier.deploy.http;

import dev.pier.http.CappedBody;
import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.CancelledException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP for one run of a deployer that drives another controller. Every exchange is bounded by a timeout that
 * covers the whole answer (not only its headers), aborted at once when the run is cancelled, and read up to
 * {@value #MAX_BODY} bytes. Redirects are never followed: they would carry a token or a signature to
 * wherever the answer points.
 */
public final class ControllerHttp {

    public static final int MAX_BODY = 1 << 20;

    private final HttpClient http;
    private final Cancellation cancellation;
    private final AtomicReference<CompletableFuture<?>> inFlight = new AtomicReference<>();
    private final CountDownLatch cancelled = new CountDownLatch(1);

    public ControllerHttp(HttpClient http, Cancellation cancellation) {
        this.http = http;
        this.cancellation = cancellation;
        cancellation.onCancel(() -> {
            cancelled.countDown();
            CompletableFuture<?> f = inFlight.get();
            if (f != null) {
                f.cancel(true);
            }
        });
    }

    /** A client that never follows redirects. */
    public static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** An answer, whatever its status. */
    public record Answer(int status, HttpHeaders headers, String body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        public boolean redirect() {
            return status / 100 == 3;
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    /**
     * Sends and reads the whole answer within {@code timeout}.
     *
     * @throws HttpTimeoutException when no complete answer came in time
     * @throws IOException          when the connection failed or the answer was too large
     * @throws CancelledException   when the run was cancelled meanwhile
     */
    public Answer send(HttpRequest.Builder request, Duration timeout) throws IOException, CancelledException {
        cancellation.throwIfCancelled();
        CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(request.timeout(timeout).build(),
                info -> new CappedBody(MAX_BODY));
        inFlight.set(f);
        if (cancellation.isCancelled()) {
            f.cancel(true);
        }
        try {
            HttpResponse<byte[]> r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(r.statusCode(), r.headers(), new String(r.body(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + seconds(timeout) + "s");
        } catch (java.util.concurrent.CancellationException e) {
            throw new CancelledException(cancellation.reason());
        } catch (ExecutionException e) {
            cancellation.throwIfCancelled();
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new CancelledException("interrupted");
        } finally {
            inFlight.compareAndSet(f, null);
        }
    }

    /** Waits {@code d}; false when the run was cancelled first. */
    public boolean pause(Duration d) {
        try {
            return !cancelled.await(Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS) && !cancellation.isCancelled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Same scheme, host and port: the only place a credential or signature may go. */
    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** Whole seconds, rounded up, for messages: a 1.99 s limit is "2s". */
    public static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /** A message from a controller, cut to one short line, for logs and error summaries. */
    public static String oneLine(String text, int max) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return flat.length() > max ? flat.substring(0, max) + "…" : flat;
    }
}

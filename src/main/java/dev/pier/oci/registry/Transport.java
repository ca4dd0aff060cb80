package dev.pier.oci.registry;

import dev.pier.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sends one request to one registry: authentication (anonymous, basic, bearer challenge), retries with
 * backoff on 5xx / 429 / connection failures, the rate limit, redirects that never carry credentials to
 * another origin, and the mapping of unexpected answers to {@link RegistryErrors}.
 */
final class Transport {
    static final int MAX_ERROR_BODY = 64 * 1024;
    static final int MAX_REDIRECTS = 5;

    /** Reads an expected response. A plain IOException here is a broken connection and is retried. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(int status, HttpHeaders headers, URI uri, InputStream body) throws IOException;
    }

    /**
     * @param scope         bearer scope, e.g. {@code repository:acme/app:pull}; null for none
     * @param authorization an explicit Authorization header (token requests); null to use the registry's
     * @param authenticate  whether to answer the registry's challenges
     * @param retryable     whether failures may be retried by sending the same request again
     */
    record Request(String method, URI uri, Map<String, String> headers, byte[] body, String scope,
                   boolean followRedirects, boolean retryable, boolean authenticate, String authorization) {

        static Request get(URI uri, String scope) {
            return new Request("GET", uri, Map.of(), null, scope, false, true, true, null);
        }

        Request withHeaders(Map<String, String> extra) {
            return new Request(method, uri, extra, body, scope, followRedirects, retryable, authenticate, authorization);
        }

        Request method(String newMethod, byte[] newBody) {
            return new Request(newMethod, uri, headers, newBody, scope, followRedirects, retryable, authenticate, authorization);
        }

        Request followingRedirects() {
            return new Request(method, uri, headers, body, scope, true, retryable, authenticate, authorization);
        }

        Request notRetried() {
            return new Request(method, uri, headers, body, scope, followRedirects, false, authenticate, authorization);
        }
    }

    final RegistryEndpoint endpoint;
    final RetryPolicy retry;
    final Clock clock;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final TokenBucket bucket;
    private final Duration requestTimeout;
    private final StallWatchdog watchdog;
    final Authenticator auth;
    private final RequestListener listener;

    Transport(RegistryEndpoint endpoint, HttpClient http, RetryPolicy retry, Sleeper sleeper, Clock clock,
              TokenBucket bucket, Duration requestTimeout, StallWatchdog watchdog, Authenticator.Settings authSettings,
              RequestListener listener) {
        this.listener = listener;
        this.endpoint = endpoint;
        this.http = http;
        this.retry = retry;
        this.sleeper = sleeper;
        this.clock = clock;
        this.bucket = bucket;
        this.requestTimeout = requestTimeout;
        this.watchdog = watchdog;
        this.auth = new Authenticator(this, authSettings);
    }

    /** Sends {@code request}; statuses in {@code expected} go to {@code reader}, others become errors. */
    <T> T exchange(Action action, Request request, Set<Integer> expected, BodyReader<T> reader) throws IOException {
        int attempt = 0;
        int redirects = 0;
        boolean authRetried = false;
        URI uri = request.uri();
        while (true) {
            attempt++;
            if (!endpoint.transportAllowed(uri)) {
                throw RegistryErrors.protocol(action, "the request would go to " + describe(uri)
                        + " over plain http, which is allowed only for loopback or explicitly insecure registries");
            }
            bucket.acquire();
            HttpResponse<InputStream> response;
            try {
                response = http.send(build(request, uri), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while trying to " + action);
            } catch (IOException e) {
                listener.exchanged(endpoint.host(), action.verb(), 0);
                if (request.retryable() && attempt < retry.maxAttempts()) {
                    pause(action, retry.backoff(attempt));
                    continue;
                }
                throw RegistryErrors.unreachable(action, endpoint.host(), e, attempt);
            }
            int status = response.statusCode();
            listener.exchanged(endpoint.host(), action.verb(), status);
            try (InputStream body = watchdog.guard(response.body())) {
                if (expected.contains(status)) {
                    try {
                        return reader.read(status, response.headers(), uri, body);
                    } catch (OciException e) {
                        throw e;
                    } catch (IOException e) {
                        if (request.retryable() && attempt < retry.maxAttempts()) {
                            pause(action, retry.backoff(attempt));
                            continue;
                        }
                        throw RegistryErrors.unreachable(action, endpoint.host(), e, attempt);
                    }
                }
                if (request.followRedirects() && isRedirect(status)) {
                    Optional<String> location = response.headers().firstValue("Location");
                    if (location.isEmpty()) {
                        throw RegistryErrors.protocol(action, status, "the registry answered " + status + " without a Location");
                    }
                    if (++redirects > MAX_REDIRECTS) {
                        throw RegistryErrors.protocol(action, status, "the registry redirected more than " + MAX_REDIRECTS + " times");
                    }
                    uri = uri.resolve(location.get());
                    attempt--;
                    continue;
                }
                byte[] errorBody = readQuietly(body, MAX_ERROR_BODY);
                if (status == 401 && request.authenticate() && !authRetried) {
                    authRetried = true;
                    if (auth.answer(action, request.scope(), response.headers())) {
                        attempt--;
                        continue;
                    }
                }
                if (RegistryErrors.retryable(status) && request.retryable() && attempt < retry.maxAttempts()) {
                    Optional<Duration> asked = RetryAfter.parse(response.headers().firstValue("Retry-After"), errorBody, clock);
                    Duration wait = asked.isPresent() ? retry.capRetryAfter(asked.get()) : retry.backoff(attempt);
                    pause(action, wait);
                    continue;
                }
                String hint = status == 401 ? auth.hint() : null;
                if (RegistryErrors.retryable(status) && attempt > 1) {
                    hint = "after " + attempt + " attempts";
                }
                throw RegistryErrors.fromResponse(action, status, errorBody, hint);
            }
        }
    }

    /** Backoff before a caller's own retry (resumed uploads). */
    void pause(Action action, Duration wait) throws IOException {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry: " + action);
        }
    }

    private HttpRequest build(Request request, URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("User-Agent", "pier-registry-client");
        request.headers().forEach(b::header);
        if (request.authorization() != null) {
            b.header("Authorization", request.authorization());
        } else if (request.authenticate() && endpoint.sameOrigin(uri)) {
            auth.header(request.scope()).ifPresent(h -> b.header("Authorization", h));
        }
        b.method(request.method(), request.body() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        return b.build();
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Up to {@code cap} bytes of an error body; a broken body is simply shorter. */
    static byte[] readQuietly(InputStream in, int cap) {
        try {
            return in.readNBytes(cap);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** The whole body, refused when longer than {@code cap} (whatever Content-Length says). */
    static byte[] readCapped(Action action, HttpHeaders headers, InputStream in, int cap) throws IOException {
        long declared = headers.firstValueAsLong("Content-Length").orElse(-1);
        if (declared > cap) {
            throw RegistryErrors.tooLarge(action, cap);
        }
        byte[] bytes = in.readNBytes(cap + 1);
        if (bytes.length > cap) {
            throw RegistryErrors.tooLarge(action, cap);
        }
        if (declared >= 0 && bytes.length != declared) {
            throw new IOException("body ended after " + bytes.length + " of " + declared + " bytes");
        }
        return bytes;
    }

    static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}

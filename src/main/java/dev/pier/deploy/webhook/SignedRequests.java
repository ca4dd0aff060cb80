package dev.pier.deploy.webhook;

import dev.pier.notify.Signatures;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Requests to a deploy controller, signed as Pier signs its notifications:
 * {@code X-Pier-Signature: sha256=HMAC-SHA256(key, timestamp + "." + content)}, where the content is the body of a
 * POST, and the request target ({@code /path?query}) of a GET, which has no body, so a captured signature cannot
 * be replayed against another URL.
 */
final class SignedRequests {

    private final String key;
    private final Map<String, String> headers;
    private final String runId;
    private final Clock clock;

    SignedRequests(String key, Map<String, String> headers, String runId, Clock clock) {
        this.key = key;
        this.headers = headers;
        this.runId = runId;
        this.clock = clock;
    }

    HttpRequest.Builder post(URI url, String delivery, byte[] body) {
        return signed(url, delivery, new String(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    HttpRequest.Builder get(URI url) {
        return signed(url, UUID.randomUUID().toString(), target(url)).header("Accept", "application/json").GET();
    }

    private HttpRequest.Builder signed(URI url, String delivery, String content) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest.Builder b = HttpRequest.newBuilder(url);
        headers.forEach(b::header);
        return b.header("User-Agent", "pier-deploy")
                .header("X-Pier-Run", runId)
                .header("X-Pier-Delivery", delivery)
                .header("X-Pier-Timestamp", timestamp)
                .header("X-Pier-Signature", "sha256=" + Signatures.hmacSha256Hex(key, timestamp + "." + content));
    }

    /** What a GET's signature covers: the raw path (at least {@code /}) and query, as the receiver sees them. */
    static String target(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }
}

package dev.pier.auth.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.pier.auth.oidc.OidcRejectedException.Reason;
import dev.pier.http.CappedBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The issuer's RS256 signing keys by {@code kid}: discovery document, then its {@code jwks_uri}, cached for the
 * settings' TTL. Fetches are bounded in time and size and happen at most once per {@link #MIN_REFETCH} when a
 * token names an unknown kid or the last fetch failed, since both can be triggered by anyone holding a bearer.
 */
final class IssuerKeys {
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MIN_REFETCH = Duration.ofSeconds(30);
    static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    private record Snapshot(Map<String, RSAKey> byKid, Instant fetchedAt) {}

    private final OidcSettings settings;
    private final HttpClient http;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: callers may be virtual threads
    private volatile Snapshot snapshot;
    private Instant lastAttempt; // guarded by lock
    private String lastFailure; // guarded by lock; null after a successful fetch

    IssuerKeys(OidcSettings settings, HttpClient http, Clock clock) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
    }

    /** The key named {@code kid}, or null if the issuer does not publish it (after at most one refetch). */
    RSAKey find(String kid) throws OidcRejectedException {
        Snapshot s = snapshot;
        if (s != null && fresh(s, clock.instant()) && s.byKid().containsKey(kid)) {
            return s.byKid().get(kid);
        }
        lock.lock();
        try {
            s = snapshot;
            Instant now = clock.instant();
            boolean stale = s == null || !fresh(s, now);
            if (!stale && s.byKid().containsKey(kid)) {
                return s.byKid().get(kid);
            }
            if (lastAttempt != null && now.isBefore(lastAttempt.plus(MIN_REFETCH))) {
                if (stale && lastFailure != null) {
                    throw new OidcRejectedException(Reason.KEYS_UNAVAILABLE, lastFailure + " (next attempt after "
                            + lastAttempt.plus(MIN_REFETCH) + ")");
                }
                return s == null ? null : s.byKid().get(kid);
            }
            lastAttempt = now;
            try {
                s = fetch(now);
            } catch (OidcRejectedException e) {
                lastFailure = e.getMessage();
                throw e;
            }
            snapshot = s;
            lastFailure = null;
            return s.byKid().get(kid);
        } finally {
            lock.unlock();
        }
    }

    private boolean fresh(Snapshot s, Instant now) {
        return now.isBefore(s.fetchedAt().plus(settings.jwksCacheTtl()));
    }

    private Snapshot fetch(Instant now) throws OidcRejectedException {
        URI discoveryUri = settings.discoveryUri();
        URI jwksUri;
        try {
            Map<String, Object> discovery = JSONObjectUtils.parse(get(discoveryUri));
            String issuer = JSONObjectUtils.getString(discovery, "issuer");
            if (!settings.issuer().toString().equals(issuer)) {
                throw unavailable(discoveryUri + " names a different issuer: " + Claims.printable(issuer), null);
            }
            jwksUri = JSONObjectUtils.getURI(discovery, "jwks_uri");
        } catch (ParseException e) {
            throw unavailable(discoveryUri + " is not a discovery document: " + e.getMessage(), null);
        }
        if (jwksUri == null || !jwksUri.isAbsolute()
                || (!"https".equals(jwksUri.getScheme()) && !settings.issuer().getScheme().equals(jwksUri.getScheme()))) {
            throw unavailable(discoveryUri + " has no usable jwks_uri: " + jwksUri, null);
        }
        JWKSet set;
        try {
            set = JWKSet.parse(get(jwksUri));
        } catch (ParseException e) {
            throw unavailable(jwksUri + " is not a JWK set: " + e.getMessage(), null);
        }
        Map<String, RSAKey> byKid = new HashMap<>();
        for (JWK jwk : set.getKeys()) {
            if (jwk instanceof RSAKey rsa && rsa.getKeyID() != null
                    && (rsa.getKeyUse() == null || KeyUse.SIGNATURE.equals(rsa.getKeyUse()))
                    && (rsa.getAlgorithm() == null || JWSAlgorithm.RS256.equals(rsa.getAlgorithm()))) {
                byKid.putIfAbsent(rsa.getKeyID(), rsa.toPublicJWK());
            }
        }
        if (byKid.isEmpty()) {
            throw unavailable(jwksUri + " publishes no RS256 signing key with a kid", null);
        }
        return new Snapshot(Map.copyOf(byKid), now);
    }

    private String get(URI uri) throws OidcRejectedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).header("Accept", "application/json")
                .GET().build();
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, info -> info.statusCode() == 200
                ? new CappedBody(MAX_DOCUMENT_BYTES) : HttpResponse.BodySubscribers.replacing(new byte[0]));
        try {
            // The request timeout stops at the headers; this bounds the body as well.
            HttpResponse<byte[]> response = pending.get(FETCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                throw unavailable(uri + " answered HTTP " + response.statusCode(), null);
            }
            return new String(response.body(), StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw unavailable(uri + " did not answer within " + FETCH_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw unavailable(uri + " could not be fetched: " + cause, cause);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while fetching " + uri, e);
        }
    }

    private static OidcRejectedException unavailable(String message, Throwable cause) {
        return new OidcRejectedException(Reason.KEYS_UNAVAILABLE, "issuer keys unavailable: " + message, cause);
    }
}

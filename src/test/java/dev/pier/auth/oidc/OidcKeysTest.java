package dev.pier.auth.oidc;

import static dev.pier.auth.oidc.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.pier.auth.oidc.OidcRejectedException.Reason;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery, the JWKS cache, unknown kids, rotation and an issuer that is down. */
class OidcKeysTest {
    static final RSAKey KEY = FakeIssuer.newKey("gh-key-1");
    static final RSAKey NEXT = FakeIssuer.newKey("gh-key-2");
    static final OidcPolicy POLICY = OidcPolicy.forRepository(FakeIssuer.REPOSITORY);

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    FakeIssuer issuer;
    HttpClient http;
    GithubOidcVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        issuer = new FakeIssuer(KEY);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        verifier = new GithubOidcVerifier(issuer.settings(), http, new InMemoryJtiLedger(clock), clock);
    }

    @AfterEach
    void stop() {
        http.close();
        issuer.close();
    }

    String token(RSAKey key) {
        return FakeIssuer.sign(key, issuer.pushClaims(clock.instant()));
    }

    @Test
    void keys_are_fetched_once_and_cached_for_the_ttl() throws Exception {
        verifier.verify(token(KEY), POLICY);
        verifier.verify(token(KEY), POLICY);
        assertThat(issuer.discoveryHits).hasValue(1);
        assertThat(issuer.jwksHits).hasValue(1);
        clock.advance(OidcSettings.DEFAULT_JWKS_TTL);
        verifier.verify(token(KEY), POLICY);
        assertThat(issuer.jwksHits).hasValue(2);
    }

    @Test
    void an_unknown_kid_refetches_once_then_is_refused_without_more_fetches() throws Exception {
        verifier.verify(token(KEY), POLICY);
        clock.advance(IssuerKeys.MIN_REFETCH);
        RSAKey stranger = FakeIssuer.newKey("not-published");
        assertRejected(verifier, token(stranger), POLICY, Reason.UNKNOWN_KEY);
        assertThat(issuer.jwksHits).hasValue(2);
        for (int i = 0; i < 5; i++) {
            assertRejected(verifier, token(stranger), POLICY, Reason.UNKNOWN_KEY);
        }
        assertThat(issuer.jwksHits).as("unknown kids are rate-limited").hasValue(2);
        verifier.verify(token(KEY), POLICY); // known keys still work meanwhile
    }

    @Test
    void a_rotated_in_key_is_picked_up() throws Exception {
        verifier.verify(token(KEY), POLICY);
        issuer.published.add(NEXT);
        clock.advance(IssuerKeys.MIN_REFETCH);
        OidcIdentity id = verifier.verify(token(NEXT), POLICY);
        assertThat(id.repository()).isEqualTo(FakeIssuer.REPOSITORY);
        assertThat(issuer.jwksHits).hasValue(2);
        issuer.published.remove(KEY);
        clock.advance(OidcSettings.DEFAULT_JWKS_TTL);
        assertRejected(verifier, token(KEY), POLICY, Reason.UNKNOWN_KEY);
    }

    @Test
    void discovery_down_is_keys_unavailable_with_back_off_and_recovery() throws Exception {
        issuer.discoveryStatus = 503;
        assertThat(assertRejected(verifier, token(KEY), POLICY, Reason.KEYS_UNAVAILABLE).getMessage())
                .contains("503");
        assertRejected(verifier, token(KEY), POLICY, Reason.KEYS_UNAVAILABLE);
        assertThat(issuer.discoveryHits).as("no refetch inside the back-off").hasValue(1);
        issuer.discoveryStatus = 200;
        clock.advance(IssuerKeys.MIN_REFETCH);
        assertThat(verifier.verify(token(KEY), POLICY)).isNotNull();
    }

    @Test
    void an_issuer_nobody_listens_on_is_keys_unavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + port);
        GithubOidcVerifier deadVerifier = new GithubOidcVerifier(
                new OidcSettings(dead, FakeIssuer.AUDIENCE, null, null), http, new InMemoryJtiLedger(clock), clock);
        assertRejected(deadVerifier, token(KEY), POLICY, Reason.KEYS_UNAVAILABLE);
    }

    @Test
    void a_discovery_document_for_another_issuer_is_refused() {
        issuer.discoveryIssuer = "https://token.actions.githubusercontent.com";
        assertRejected(verifier, token(KEY), POLICY, Reason.KEYS_UNAVAILABLE);
        assertThat(issuer.jwksHits).hasValue(0);
    }

    @Test
    void an_unreadable_or_oversized_key_set_is_keys_unavailable() {
        issuer.jwksOverride = "<html>gateway</html>".getBytes(StandardCharsets.UTF_8);
        assertRejected(verifier, token(KEY), POLICY, Reason.KEYS_UNAVAILABLE);
        clock.advance(IssuerKeys.MIN_REFETCH);
        issuer.jwksOverride = new byte[IssuerKeys.MAX_DOCUMENT_BYTES + 1];
        assertThat(assertRejected(verifier, token(KEY), POLICY, Reason.KEYS_UNAVAILABLE).getMessage())
                .contains("larger than");
    }

    @Test
    void a_key_set_without_rs256_signing_keys_is_keys_unavailable() {
        issuer.jwksOverride = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"gh-key-1\",\"k\":\"c2VjcmV0\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertRejected(verifier, token(KEY), POLICY, Reason.KEYS_UNAVAILABLE);
    }
}

package dev.pier.auth.oidc;

import static dev.pier.auth.oidc.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.pier.auth.oidc.OidcRejectedException.Reason;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The header and the signature: only RS256 under one of the issuer's own keys gets as far as the claims. */
class OidcSignatureTest {
    static final RSAKey KEY = FakeIssuer.newKey("gh-key-1");
    static final RSAKey ATTACKER = FakeIssuer.newKey("gh-key-1"); // same kid, another key
    static final OidcPolicy POLICY = OidcPolicy.forRepository(FakeIssuer.REPOSITORY);

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    FakeIssuer issuer;
    HttpClient http;
    GithubOidcVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        issuer = new FakeIssuer(KEY);
        http = HttpClient.newHttpClient();
        verifier = new GithubOidcVerifier(issuer.settings(), http, new InMemoryJtiLedger(clock), clock);
    }

    @AfterEach
    void stop() {
        http.close();
        issuer.close();
    }

    Map<String, Object> claims() {
        return issuer.pushClaims(clock.instant());
    }

    @Test
    void alg_none_is_refused() throws Exception {
        String unsigned = new PlainJWT(new PlainHeader(), JWTClaimsSet.parse(claims())).serialize();
        assertThat(GithubOidcVerifier.looksLikeJwt(unsigned)).isTrue();
        assertRejected(verifier, unsigned, POLICY, Reason.ALGORITHM);
        // With a signature segment glued on, as some attacks do.
        String signedRs = FakeIssuer.sign(KEY, claims());
        assertRejected(verifier, unsigned + signedRs.substring(signedRs.lastIndexOf('.') + 1), POLICY,
                Reason.ALGORITHM);
    }

    @Test
    void hs256_signed_with_the_public_key_is_refused() throws Exception {
        // The classic confusion: a verifier that takes alg from the header would use the RSA public key as an HMAC secret.
        byte[] secret = KEY.toRSAPublicKey().getEncoded();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(KEY.getKeyID()).build();
        SignedJWT forged = new SignedJWT(header, JWTClaimsSet.parse(claims()));
        forged.sign(new MACSigner(secret));
        assertRejected(verifier, forged.serialize(), POLICY, Reason.ALGORITHM);
        assertThat(issuer.discoveryHits).hasValue(0); // refused before any key was fetched
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS384", "RS512", "PS256", "ES256", "EdDSA"})
    void other_asymmetric_algorithms_are_refused(String alg) {
        String header = "{\"alg\":\"" + alg + "\",\"kid\":\"gh-key-1\",\"typ\":\"JWT\"}";
        String good = FakeIssuer.sign(KEY, claims());
        String token = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + good.substring(good.indexOf('.'));
        assertRejected(verifier, token, POLICY, Reason.ALGORITHM);
    }

    @Test
    void a_key_embedded_in_the_header_is_ignored() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID())
                .jwk(ATTACKER.toPublicJWK()).build();
        assertRejected(verifier, FakeIssuer.sign(header, ATTACKER, claims()), POLICY, Reason.BAD_SIGNATURE);
    }

    @Test
    void a_payload_changed_after_signing_is_refused() {
        String good = FakeIssuer.sign(KEY, claims());
        Map<String, Object> other = claims();
        other.put("ref", "refs/heads/unreviewed");
        String otherPayload = FakeIssuer.sign(KEY, other).split("\\.")[1];
        String[] parts = good.split("\\.");
        assertRejected(verifier, parts[0] + "." + otherPayload + "." + parts[2], POLICY, Reason.BAD_SIGNATURE);
    }

    @Test
    void a_token_without_kid_is_refused() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).build();
        assertRejected(verifier, FakeIssuer.sign(header, KEY, claims()), POLICY, Reason.UNKNOWN_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "pier_abc123", "a.b", "a.b.c.d.e", "not a jwt", "eyJhbGciOiJSUzI1NiJ9.%%%.sig",
            "bm90IGpzb24.eyJ4IjoxfQ.c2ln"})
    void malformed_bearers_are_refused(String bearer) {
        assertRejected(verifier, bearer, POLICY, Reason.MALFORMED);
    }

    @Test
    void an_oversized_token_is_refused_before_parsing() {
        String huge = "eyJhbGciOiJSUzI1NiJ9." + "A".repeat(GithubOidcVerifier.MAX_TOKEN_CHARS) + ".c2ln";
        assertRejected(verifier, huge, POLICY, Reason.MALFORMED);
    }

    @Test
    void a_payload_that_is_not_a_claim_set_is_malformed() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(KEY.getKeyID()).build();
        JWSObject notJwt = new JWSObject(header, new Payload("[1,2,3]"));
        notJwt.sign(new RSASSASigner(KEY));
        assertRejected(verifier, notJwt.serialize(), POLICY, Reason.MALFORMED);
    }

    @Test
    void looks_like_jwt_routes_only_three_segment_tokens() {
        assertThat(GithubOidcVerifier.looksLikeJwt(FakeIssuer.sign(KEY, claims()))).isTrue();
        assertThat(GithubOidcVerifier.looksLikeJwt("pier_0123456789abcdef")).isFalse();
        assertThat(GithubOidcVerifier.looksLikeJwt("a.b")).isFalse();
        assertThat(GithubOidcVerifier.looksLikeJwt("a.b.c.d.e")).isFalse();
        assertThat(GithubOidcVerifier.looksLikeJwt("a+b.c/d.e=")).isFalse();
        assertThat(GithubOidcVerifier.looksLikeJwt(null)).isFalse();
    }
}

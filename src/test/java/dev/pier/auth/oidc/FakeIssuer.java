package dev.pier.auth.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A GitHub-shaped OIDC issuer on a loopback port: a real discovery document and JWKS over HTTP, and tokens minted
 * with the claims GitHub's tokens carry (ids as JSON strings, nbf ten minutes before iat, exp five after).
 */
final class FakeIssuer implements AutoCloseable {
    static final String AUDIENCE = "https://pier.example.test";
    static final String REPOSITORY = "octo-org/octo-repo";
    static final String REPOSITORY_ID = "740118";
    static final String OWNER_ID = "650042";

    final List<RSAKey> published = new CopyOnWriteArrayList<>();
    final AtomicInteger discoveryHits = new AtomicInteger();
    final AtomicInteger jwksHits = new AtomicInteger();
    volatile int discoveryStatus = 200;
    volatile String discoveryIssuer; // null: the real one
    volatile byte[] jwksOverride; // null: the published keys
    private final HttpServer server;
    final URI issuer;

    FakeIssuer(RSAKey... keys) throws IOException {
        published.addAll(List.of(keys));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext("/.well-known/jwks", this::jwks);
        server.start();
    }

    static RSAKey newKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    OidcSettings settings() {
        return new OidcSettings(issuer, AUDIENCE, null, null);
    }

    /** The claims of a push to main of octo-org/octo-repo, issued at {@code iat}. */
    Map<String, Object> pushClaims(Instant iat) {
        return GithubClaims.pushToMain(issuer.toString(), AUDIENCE, REPOSITORY, "octocat", REPOSITORY_ID, OWNER_ID,
                iat.getEpochSecond());
    }

    static String sign(RSAKey key, Map<String, Object> claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID())
                .build();
        return sign(header, key, claims);
    }

    static String sign(JWSHeader header, RSAKey key, Map<String, Object> claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, JWTClaimsSet.parse(claims));
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException | ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private void discovery(HttpExchange exchange) throws IOException {
        discoveryHits.incrementAndGet();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", discoveryIssuer == null ? issuer.toString() : discoveryIssuer);
        doc.put("jwks_uri", issuer + "/.well-known/jwks");
        doc.put("subject_types_supported", List.of("public", "pairwise"));
        doc.put("response_types_supported", List.of("id_token"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("claims_supported", List.of("sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository",
                "repository_id", "repository_owner", "repository_owner_id", "event_name", "environment", "sha"));
        answer(exchange, discoveryStatus, JSONObjectUtils.toJSONString(doc).getBytes(StandardCharsets.UTF_8));
    }

    private void jwks(HttpExchange exchange) throws IOException {
        jwksHits.incrementAndGet();
        byte[] body = jwksOverride != null ? jwksOverride
                : new JWKSet(List.<JWK>copyOf(published)).toString(true).getBytes(StandardCharsets.UTF_8);
        answer(exchange, 200, body);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

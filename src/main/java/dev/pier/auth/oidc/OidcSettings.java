package dev.pier.auth.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which issuer to trust and how strictly. Null durations take the defaults (60 s skew, 10 min key cache).
 * Plain {@code http} issuers are refused unless the host is loopback (tests), since the keys come from there.
 */
public record OidcSettings(URI issuer, String audience, Duration maxClockSkew, Duration jwksCacheTtl) {
    public static final URI GITHUB_ISSUER = URI.create("https://token.actions.githubusercontent.com");
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_JWKS_TTL = Duration.ofMinutes(10);
    private static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    public OidcSettings {
        Objects.requireNonNull(issuer, "issuer");
        String scheme = issuer.getScheme() == null ? "" : issuer.getScheme().toLowerCase(Locale.ROOT);
        if (!issuer.isAbsolute() || issuer.getHost() == null || issuer.getRawQuery() != null
                || issuer.getRawFragment() != null) {
            throw new IllegalArgumentException("OIDC issuer must be an absolute URL without query or fragment: " + issuer);
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && LOOPBACK.contains(issuer.getHost()))) {
            throw new IllegalArgumentException("OIDC issuer must use https (http only on loopback): " + issuer);
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("OIDC audience must be set (Pier's own, never the GitHub default)");
        }
        maxClockSkew = maxClockSkew == null ? DEFAULT_SKEW : maxClockSkew;
        if (maxClockSkew.isNegative() || maxClockSkew.compareTo(MAX_SKEW) > 0) {
            throw new IllegalArgumentException("OIDC clock skew must be between 0 and " + MAX_SKEW + ": " + maxClockSkew);
        }
        jwksCacheTtl = jwksCacheTtl == null ? DEFAULT_JWKS_TTL : jwksCacheTtl;
        if (jwksCacheTtl.isNegative() || jwksCacheTtl.isZero()) {
            throw new IllegalArgumentException("OIDC key cache TTL must be positive: " + jwksCacheTtl);
        }
    }

    /** GitHub's public issuer with default skew and cache TTL. */
    public static OidcSettings github(String audience) {
        return new OidcSettings(GITHUB_ISSUER, audience, null, null);
    }

    /** The discovery document's address: {@code <issuer>/.well-known/openid-configuration}. */
    URI discoveryUri() {
        String base = issuer.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
                + "/.well-known/openid-configuration");
    }
}

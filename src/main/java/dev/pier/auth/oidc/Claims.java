package dev.pier.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.pier.auth.oidc.OidcRejectedException.Reason;
import java.time.Instant;

/** Typed reads of a verified claim set; a claim of the wrong JSON type makes the token malformed. */
final class Claims {
    private static final int MAX_PRINTED = 120;

    private Claims() {}

    static String string(JWTClaimsSet claims, String name) throws OidcRejectedException {
        Object value = claims.getClaim(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new OidcRejectedException(Reason.MALFORMED, "claim " + name + " is not a string");
    }

    static String required(JWTClaimsSet claims, String name) throws OidcRejectedException {
        String value = string(claims, name);
        if (value == null || value.isEmpty()) {
            throw new OidcRejectedException(Reason.MISSING_CLAIM, "token has no " + name + " claim");
        }
        return value;
    }

    /** GitHub sends numeric ids as JSON strings; an integer is accepted too, as the same id. */
    static String id(JWTClaimsSet claims, String name) throws OidcRejectedException {
        Object value = claims.getClaim(name);
        if (value instanceof Long || value instanceof Integer) {
            return value.toString();
        }
        return string(claims, name);
    }

    static Instant time(JWTClaimsSet claims, String name) throws OidcRejectedException {
        Object value = claims.getClaim(name);
        if (value == null) {
            return null;
        }
        if (value instanceof java.util.Date date) {
            return date.toInstant();
        }
        throw new OidcRejectedException(Reason.MALFORMED, "claim " + name + " is not a NumericDate");
    }

    /** A claim or header value fit for a log line: bounded, control characters escaped. */
    static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < MAX_PRINTED; i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return value.length() > MAX_PRINTED ? out + "..." : out.toString();
    }
}

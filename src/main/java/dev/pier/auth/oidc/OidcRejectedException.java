package dev.pier.auth.oidc;

import java.util.Objects;

/** Why a token was refused. Messages name claims and values, never the token itself. */
public final class OidcRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Not a compact JWS, too large, undecodable, or a claim of the wrong type. */
        MALFORMED,
        /** Header alg is not RS256 (none, HS256, ...). */
        ALGORITHM,
        /** No {@code kid}, or none of the issuer's keys has it, even after a refresh. */
        UNKNOWN_KEY,
        /** The issuer's discovery document or key set could not be fetched or read (a 503, not the caller's fault). */
        KEYS_UNAVAILABLE,
        BAD_SIGNATURE,
        ISSUER,
        AUDIENCE,
        /** A claim every GitHub token carries (exp, iat, jti, repository, event_name) is absent. */
        MISSING_CLAIM,
        EXPIRED,
        /** nbf or iat is later than now plus the allowed skew. */
        NOT_YET_VALID,
        REPLAYED,
        REPOSITORY,
        REPOSITORY_ID,
        REPOSITORY_OWNER_ID,
        EVENT,
        REF,
        ENVIRONMENT
    }

    private final Reason reason;

    OidcRejectedException(Reason reason, String message) {
        this(reason, message, null);
    }

    OidcRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}

package dev.pier.auth;

import java.time.Instant;
import java.util.List;

/** An API token as listed: never its secret, which exists only in the caller's hands. */
public record ApiToken(String id, String owner, List<Scope> scopes, String description, String createdBy,
                       Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {

    public ApiToken {
        scopes = List.copyOf(scopes);
    }

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    public String state(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        return expiresAt != null && !now.isBefore(expiresAt) ? "expired" : "active";
    }
}

package dev.pier.auth.oidc;

import java.time.Instant;

/** Remembers spent token ids so a captured token cannot be replayed. */
public interface JtiLedger {
    /**
     * Records {@code jti} for {@code issuer}; true the first time, false if already recorded. Must be atomic:
     * of two concurrent calls with the same id, exactly one returns true.
     * Entries may be forgotten after {@code expiresAt}, when the verifier refuses the token anyway.
     */
    boolean firstUse(String issuer, String jti, Instant expiresAt);
}

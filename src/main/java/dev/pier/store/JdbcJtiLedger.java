package dev.pier.store;

import dev.pier.auth.oidc.JtiLedger;
import java.time.Clock;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/** {@link JtiLedger} on JDBC, so a token replayed after a restart is still refused. */
public final class JdbcJtiLedger implements JtiLedger {

    private final Jdbi jdbi;
    private final Clock clock;

    public JdbcJtiLedger(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String issuer, String jti, Instant expiresAt) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("delete from oidc_jti where expires_at < :now")
                    .bind("now", clock.instant().toEpochMilli()).execute();
            return h.createUpdate("insert or ignore into oidc_jti (issuer, jti, expires_at) values (:iss, :jti, :exp)")
                    .bind("iss", issuer).bind("jti", jti).bind("exp", expiresAt.toEpochMilli()).execute() == 1;
        });
    }
}

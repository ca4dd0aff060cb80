package dev.pier.store;

import dev.pier.pipeline.AuditLog;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** {@link AuditLog} on JDBC. */
public final class JdbcAuditLog implements AuditLog {

    private final Jdbi jdbi;

    public JdbcAuditLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void record(Entry e) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into audit (at, actor, action, app, environment, outcome, reason)
                        values (:at, :actor, :action, :app, :env, :outcome, :reason)""")
                .bind("at", e.at().toEpochMilli())
                .bind("actor", e.actor())
                .bind("action", e.action())
                .bind("app", e.app())
                .bind("env", e.environment())
                .bind("outcome", e.outcome())
                .bind("reason", e.reason())
                .execute());
    }

    @Override
    public List<Entry> recent(int limit) {
        return jdbi.withHandle(h -> h.createQuery("select * from audit order by id desc limit :limit")
                .bind("limit", limit)
                .map((rs, ctx) -> new Entry(Instant.ofEpochMilli(rs.getLong("at")), rs.getString("actor"),
                        rs.getString("action"), rs.getString("app"), rs.getString("environment"),
                        rs.getString("outcome"), rs.getString("reason")))
                .list());
    }
}

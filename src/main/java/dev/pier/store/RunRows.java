package dev.pier.store;

import dev.pier.json.Json;
import dev.pier.pipeline.Approval;
import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.LogLine;
import dev.pier.pipeline.Owner;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.pipeline.StatusChange;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Row mapping for runs, their events and log lines. */
final class RunRows {

    private RunRows() {}

    static Run run(ResultSet rs, StatementContext ctx) throws SQLException {
        long ownerPid = rs.getLong("owner_pid");
        Owner owner = rs.wasNull() ? null : new Owner(ownerPid, Instant.ofEpochMilli(rs.getLong("owner_started_at")));
        long pgid = rs.getLong("deployer_pgid");
        Long deployerPgid = rs.wasNull() ? null : pgid;
        int exit = rs.getInt("exit_code");
        Integer exitCode = rs.wasNull() ? null : exit;
        return new Run(
                rs.getString("id"),
                rs.getString("app"),
                rs.getString("environment"),
                RunStatus.fromWire(rs.getString("status")),
                rs.getInt("attempt"),
                Json.read(rs.getString("signal_json"), DeploySignal.class),
                Json.read(rs.getString("release_json"), Release.class),
                rs.getString("deployer"),
                owner,
                deployerPgid,
                exitCode,
                rs.getString("deployed_url"),
                JdbcRunStore.error(rs.getString("error_json")),
                rs.getString("superseded_by"),
                JdbcRunStore.steps(rs.getString("steps_json")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")),
                List.of(),
                rs.getInt("resolved") == 1,
                approval(rs));
    }

    static RunStore.QueueEntry queueEntry(ResultSet rs, StatementContext ctx) throws SQLException {
        long ownerPid = rs.getLong("owner_pid");
        Owner owner = rs.wasNull() ? null : new Owner(ownerPid, Instant.ofEpochMilli(rs.getLong("owner_started_at")));
        rs.getLong("approved_at");
        boolean approved = !rs.wasNull();
        long expires = rs.getLong("approval_expires_at");
        Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
        return new RunStore.QueueEntry(rs.getString("id"), rs.getString("app"), rs.getString("environment"),
                RunStatus.fromWire(rs.getString("status")), owner, approved, expiresAt);
    }

    private static Approval approval(ResultSet rs) throws SQLException {
        int required = rs.getInt("approval_required");
        if (rs.wasNull()) {
            return null;
        }
        long expires = rs.getLong("approval_expires_at");
        Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
        long approved = rs.getLong("approved_at");
        Instant approvedAt = rs.wasNull() ? null : Instant.ofEpochMilli(approved);
        return new Approval(required, expiresAt, approvedAt, List.of());
    }

    static Run withHistory(Handle h, Run run) {
        List<StatusChange> history = h.createQuery("""
                        select from_status, to_status, at, note from run_events where run_id = :id order by seq""")
                .bind("id", run.id())
                .map((rs, ctx) -> new StatusChange(
                        rs.getString("from_status") == null ? null : RunStatus.fromWire(rs.getString("from_status")),
                        RunStatus.fromWire(rs.getString("to_status")),
                        Instant.ofEpochMilli(rs.getLong("at")),
                        rs.getString("note")))
                .list();
        Approval approval = run.approval();
        if (approval != null) {
            List<Approval.Decision> decisions = h.createQuery("""
                            select approver, via, decision, at, comment from approvals where run_id = :id order by seq""")
                    .bind("id", run.id())
                    .map((rs, ctx) -> new Approval.Decision(rs.getString("approver"), rs.getString("via"),
                            rs.getString("decision"), Instant.ofEpochMilli(rs.getLong("at")), rs.getString("comment")))
                    .list();
            approval = new Approval(approval.required(), approval.expiresAt(), approval.approvedAt(), decisions);
        }
        return run.withHistory(history, approval);
    }

    static void insertEvent(Handle h, String runId, RunStatus from, RunStatus to, Instant at, String note) {
        h.createUpdate("""
                insert into run_events (run_id, seq, at, from_status, to_status, note)
                values (:id, (select coalesce(max(seq), 0) + 1 from run_events where run_id = :id), :at, :from, :to,
                        :note)""")
                .bind("id", runId)
                .bind("at", at.toEpochMilli())
                .bind("from", from == null ? null : from.wireName())
                .bind("to", to.wireName())
                .bind("note", note)
                .execute();
    }

    static long maxLogSeq(Handle h, String runId) {
        return h.createQuery("select coalesce(max(seq), 0) from run_logs where run_id = :id")
                .bind("id", runId)
                .mapTo(Long.class)
                .one();
    }

    static LogLine logLine(ResultSet rs, StatementContext ctx) throws SQLException {
        return new LogLine(rs.getLong("seq"), Instant.ofEpochMilli(rs.getLong("at")), rs.getString("stream"),
                rs.getString("text"));
    }
}

package dev.pier.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pier.json.Json;
import dev.pier.pipeline.ErrorReport;
import dev.pier.pipeline.LogLine;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.pipeline.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** {@link RunStore} on JDBC. Status moves are optimistic: {@code ... where status = :expected}. */
public final class JdbcRunStore implements RunStore {

    private static final TypeReference<List<Step>> STEPS = new TypeReference<>() {};

    private final Jdbi jdbi;
    /**
     * For what a power cut may lose (log lines, steps, the deployer's process group, a pin): commits without an
     * fsync of their own. A process crash still loses nothing (the OS has the pages), and the next durable commit
     * (a signal, a status change) fsyncs the write-ahead log with these in it. After a power cut no deployer
     * survives to be stopped and an unpinned run is pinned again. A run's status never goes through here.
     */
    private <R> R withoutOwnFsync(org.jdbi.v3.core.HandleCallback<R, RuntimeException> work) {
        return jdbi.withHandle(h -> {
            h.execute("pragma synchronous = normal");
            try {
                return work.withHandle(h);
            } finally {
                h.execute("pragma synchronous = full");
            }
        });
    }

    // Concurrent signals share a transaction and its fsync (synchronous=FULL): the API's 202 waits for one.
    private final GroupCommit<NewRun, Enqueued> enqueues = new GroupCommit<>(this::enqueueAll, 64);

    public JdbcRunStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Run create(NewRun r) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    insert into runs (id, app, environment, status, attempt, signal_json, release_json, deployer,
                                      owner_pid, owner_started_at, created_at, updated_at)
                    values (:id, :app, :env, 'queued', 1, :signal, :release, :deployer, :ownerPid, :ownerStart,
                            :at, :at)""")
                    .bind("id", r.id())
                    .bind("app", r.app())
                    .bind("env", r.environment())
                    .bind("signal", Json.write(r.signal()))
                    .bind("release", Json.write(r.release()))
                    .bind("deployer", r.deployer())
                    .bind("ownerPid", r.owner() == null ? null : r.owner().pid())
                    .bind("ownerStart", r.owner() == null ? null : r.owner().startedAt().toEpochMilli())
                    .bind("at", r.at().toEpochMilli())
                    .execute();
            RunRows.insertEvent(h, r.id(), null, RunStatus.QUEUED, r.at(), "signal accepted from " + r.signal().origin());
        });
        return find(r.id()).orElseThrow();
    }

    @Override
    public Enqueued enqueue(NewRun r) {
        return enqueues.submit(r);
    }

    /** One transaction for a batch of signals, in order: a later one supersedes an earlier one of its batch. */
    private List<Enqueued> enqueueAll(List<NewRun> batch) {
        return jdbi.inTransaction(h -> {
            List<Enqueued> out = new ArrayList<>(batch.size());
            for (NewRun r : batch) {
                out.add(enqueueWithin(h, r));
            }
            return out;
        });
    }

    private static Enqueued enqueueWithin(org.jdbi.v3.core.Handle h, NewRun r) {
        h.createUpdate("""
                insert into runs (id, app, environment, status, attempt, signal_json, release_json, deployer,
                                  resolved, created_at, updated_at)
                values (:id, :app, :env, 'queued', 1, :signal, :release, :deployer, 0, :at, :at)""")
                .bind("id", r.id()).bind("app", r.app()).bind("env", r.environment())
                .bind("signal", Json.write(r.signal())).bind("release", Json.write(r.release()))
                .bind("deployer", r.deployer()).bind("at", r.at().toEpochMilli())
                .execute();
        String note = "signal accepted from " + r.signal().origin();
        RunRows.insertEvent(h, r.id(), null, RunStatus.QUEUED, r.at(), note);
        List<Waiting> older = h.createQuery("""
                        select id, status from runs
                        where app = :app and environment = :env and id <> :id and owner_pid is null
                          and status in ('queued', 'awaiting_approval')""")
                .bind("app", r.app()).bind("env", r.environment()).bind("id", r.id())
                .map((rs, ctx) -> new Waiting(rs.getString("id"), RunStatus.fromWire(rs.getString("status"))))
                .list();
        List<Run> superseded = new ArrayList<>(older.size());
        for (Waiting w : older) {
            h.createUpdate("""
                    update runs set status = 'superseded', superseded_by = :by, updated_at = :at,
                                    version = version + 1
                    where id = :id""")
                    .bind("by", r.id()).bind("at", r.at().toEpochMilli()).bind("id", w.id()).execute();
            RunRows.insertEvent(h, w.id(), w.status(), RunStatus.SUPERSEDED, r.at(),
                    "superseded by run " + r.id() + " before it started");
            superseded.add(find(h, w.id()).orElseThrow());
        }
        // Built rather than read back: it is exactly what was inserted (times as stored, in milliseconds).
        java.time.Instant at = java.time.Instant.ofEpochMilli(r.at().toEpochMilli());
        Run queued = new Run(r.id(), r.app(), r.environment(), RunStatus.QUEUED, 1, r.signal(), r.release(),
                r.deployer(), null, null, null, null, null, null, List.of(), at, at,
                List.of(new dev.pier.pipeline.StatusChange(null, RunStatus.QUEUED, at, note)), false, null);
        return new Enqueued(queued, superseded);
    }

    private record Waiting(String id, RunStatus status) {}

    @Override
    public boolean resolve(String id, dev.pier.pipeline.Release pinned) {
        return withoutOwnFsync(h -> h.createUpdate("""
                        update runs set release_json = :release, resolved = 1, version = version + 1
                        where id = :id and status = 'queued'""")
                .bind("release", Json.write(pinned)).bind("id", id).execute()) == 1;
    }

    @Override
    public Run requestApproval(String id, int required, java.time.Instant expiresAt, java.time.Instant at) {
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("""
                    update runs set status = 'awaiting_approval', approval_required = :required,
                                    approval_expires_at = :expires, updated_at = :at, version = version + 1
                    where id = :id and status = 'queued'""")
                    .bind("required", required).bind("expires", expiresAt.toEpochMilli())
                    .bind("at", at.toEpochMilli()).bind("id", id).execute();
            if (updated == 0) {
                throw new StaleTransitionException(id, RunStatus.QUEUED);
            }
            RunRows.insertEvent(h, id, RunStatus.QUEUED, RunStatus.AWAITING_APPROVAL, at,
                    required + " approval" + (required == 1 ? "" : "s") + " required before " + expiresAt);
        });
        return find(id).orElseThrow();
    }

    @Override
    public Run decide(String id, dev.pier.pipeline.Approval.Decision d, RunStatus to, Transition t) {
        jdbi.useTransaction(h -> {
            String status = h.createQuery("select status from runs where id = :id").bind("id", id)
                    .mapTo(String.class).findOne().orElse(null);
            if (!"awaiting_approval".equals(status)) {
                throw new StaleTransitionException(id, RunStatus.AWAITING_APPROVAL);
            }
            h.createUpdate("""
                    insert into approvals (run_id, seq, at, approver, via, decision, comment)
                    values (:id, (select coalesce(max(seq), 0) + 1 from approvals where run_id = :id), :at,
                            :approver, :via, :decision, :comment)""")
                    .bind("id", id).bind("at", d.at().toEpochMilli()).bind("approver", d.approver())
                    .bind("via", d.via()).bind("decision", d.decision()).bind("comment", d.comment()).execute();
            if (to == RunStatus.QUEUED) {
                h.createUpdate("update runs set approved_at = :at where id = :id")
                        .bind("at", d.at().toEpochMilli()).bind("id", id).execute();
            }
            if (to != null) {
                moveWithin(h, id, RunStatus.AWAITING_APPROVAL, to, t);
            }
        });
        return find(id).orElseThrow();
    }

    @Override
    public Optional<Run> find(String id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    private static Optional<Run> find(org.jdbi.v3.core.Handle h, String id) {
        return h.createQuery("select * from runs where id = :id")
                .bind("id", id)
                .map(RunRows::run)
                .findOne()
                .map(run -> RunRows.withHistory(h, run));
    }

    @Override
    public List<Run> list(RunQuery q) {
        StringBuilder sql = new StringBuilder("select * from runs where 1 = 1");
        if (q.app() != null) {
            sql.append(" and app = :app");
        }
        if (q.environment() != null) {
            sql.append(" and environment = :env");
        }
        if (q.status() != null) {
            sql.append(" and status = :status");
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        return jdbi.withHandle(h -> {
            Query query = h.createQuery(sql.toString()).bind("limit", q.limit() <= 0 ? 50 : q.limit());
            if (q.app() != null) {
                query.bind("app", q.app());
            }
            if (q.environment() != null) {
                query.bind("env", q.environment());
            }
            if (q.status() != null) {
                query.bind("status", q.status().wireName());
            }
            return query.map(RunRows::run).list();
        });
    }

    @Override
    public java.util.Map<RunStatus, Long> countByStatus() {
        java.util.Map<RunStatus, Long> counts = new java.util.EnumMap<>(RunStatus.class);
        jdbi.useHandle(h -> h.createQuery("select status, count(*) as n from runs group by status")
                .map((rs, ctx) -> java.util.Map.entry(RunStatus.fromWire(rs.getString("status")), rs.getLong("n")))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    // Also the WHERE term of the partial index runs_unfinished_by_env: SQLite uses it only for this exact term.
    private static final String UNFINISHED = "status in ('queued', 'awaiting_approval', 'deploying', 'verifying')";
    static final String UNFINISHED_SQL = "select * from runs where " + UNFINISHED + " order by created_at, id";
    static final String UNFINISHED_IN_ENV_SQL = "select * from runs where app = :app and environment = :env and "
            + UNFINISHED + " order by created_at, id";
    static final String CLAIMED_SQL = "select * from runs where owner_pid is not null and " + UNFINISHED
            + " order by created_at, id";
    static final String QUEUE_SQL = "select id, app, environment, status, owner_pid, owner_started_at, approved_at,"
            + " approval_expires_at from runs where " + UNFINISHED + " order by created_at, id";

    @Override
    public List<Run> unfinished() {
        return jdbi.withHandle(h -> h.createQuery(UNFINISHED_SQL).map(RunRows::run).list());
    }

    @Override
    public List<Run> unfinished(String app, String environment) {
        return jdbi.withHandle(h -> h.createQuery(UNFINISHED_IN_ENV_SQL).bind("app", app).bind("env", environment)
                .map(RunRows::run).list());
    }

    @Override
    public List<Run> claimedUnfinished() {
        return jdbi.withHandle(h -> h.createQuery(CLAIMED_SQL).map(RunRows::run).list());
    }

    @Override
    public List<QueueEntry> queue() {
        return jdbi.withHandle(h -> h.createQuery(QUEUE_SQL).map(RunRows::queueEntry).list());
    }

    @Override
    public Run transition(String id, RunStatus from, RunStatus to, Transition t) {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("a run cannot move from " + from.wireName() + " to " + to.wireName());
        }
        jdbi.useTransaction(h -> moveWithin(h, id, from, to, t));
        return find(id).orElseThrow();
    }

    private static void moveWithin(org.jdbi.v3.core.Handle h, String id, RunStatus from, RunStatus to, Transition t) {
        int updated = h.createUpdate("""
                update runs set status = :to, updated_at = :at, version = version + 1,
                    attempt = attempt + :nextAttempt,
                    exit_code = coalesce(:exitCode, exit_code),
                    deployed_url = coalesce(:url, deployed_url),
                    error_json = coalesce(:error, error_json),
                    superseded_by = coalesce(:supersededBy, superseded_by),
                    owner_pid = case when :clearOwner then null else coalesce(:ownerPid, owner_pid) end,
                    owner_started_at = case when :clearOwner then null
                                            else coalesce(:ownerStart, owner_started_at) end,
                    deployer_pgid = case when :clearOwner then null else deployer_pgid end
                where id = :id and status = :from""")
                .bind("to", to.wireName())
                .bind("from", from.wireName())
                .bind("id", id)
                .bind("at", t.at().toEpochMilli())
                // Going back to queued from an executing state starts a new attempt of the same run.
                .bind("nextAttempt", from.isExecuting() && to == RunStatus.QUEUED ? 1 : 0)
                .bind("exitCode", t.exitCode())
                .bind("url", t.deployedUrl())
                .bind("error", t.error() == null ? null : Json.write(t.error()))
                .bind("supersededBy", t.supersededBy())
                .bind("ownerPid", t.owner() == null ? null : t.owner().pid())
                .bind("ownerStart", t.owner() == null ? null : t.owner().startedAt().toEpochMilli())
                // A terminal run, or an interrupted attempt queued again, belongs to no process.
                .bind("clearOwner", to.isTerminal() || (from.isExecuting() && to == RunStatus.QUEUED))
                .execute();
        if (updated == 0) {
            throw new StaleTransitionException(id, from);
        }
        RunRows.insertEvent(h, id, from, to, t.at(), t.note());
    }

    @Override
    public void recordDeployerProcess(String id, Long processGroupId) {
        withoutOwnFsync(h -> h.createUpdate("update runs set deployer_pgid = :pgid where id = :id")
                .bind("pgid", processGroupId)
                .bind("id", id)
                .execute());
    }

    @Override
    public void recordSteps(String id, List<Step> steps) {
        withoutOwnFsync(h -> h.createUpdate("update runs set steps_json = :steps where id = :id")
                .bind("steps", Json.write(steps))
                .bind("id", id)
                .execute());
    }

    @Override
    public long appendLog(String id, List<LogLine> lines) {
        if (lines.isEmpty()) {
            return lastSeq(id);
        }
        return withoutOwnFsync(handle -> handle.inTransaction(h -> {
            long seq = RunRows.maxLogSeq(h, id);
            var batch = h.prepareBatch("insert into run_logs (run_id, seq, at, stream, text) "
                    + "values (:id, :seq, :at, :stream, :text)");
            for (LogLine line : lines) {
                seq++;
                batch.bind("id", id).bind("seq", seq).bind("at", line.at().toEpochMilli())
                        .bind("stream", line.stream()).bind("text", line.text()).add();
            }
            batch.execute();
            return seq;
        }));
    }

    private long lastSeq(String id) {
        return jdbi.withHandle(h -> RunRows.maxLogSeq(h, id));
    }

    @Override
    public List<LogLine> log(String id, long afterSeq, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select seq, at, stream, text from run_logs
                        where run_id = :id and seq > :after order by seq limit :limit""")
                .bind("id", id).bind("after", afterSeq).bind("limit", limit)
                .map(RunRows::logLine)
                .list());
    }

    @Override
    public List<LogLine> logTail(String id, int n) {
        List<LogLine> newestFirst = jdbi.withHandle(h -> h.createQuery("""
                        select seq, at, stream, text from run_logs
                        where run_id = :id order by seq desc limit :n""")
                .bind("id", id).bind("n", n)
                .map(RunRows::logLine)
                .list());
        List<LogLine> out = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(out);
        return out;
    }

    static List<Step> steps(String json) {
        try {
            return Json.mapper().readValue(json, STEPS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ErrorReport error(String json) {
        return json == null ? null : Json.read(json, ErrorReport.class);
    }

}

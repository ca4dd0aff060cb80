package dev.pier.pipeline;

import java.util.List;
import java.util.Optional;

/** Durable runs. Implemented by {@code dev.pier.store.JdbcRunStore}. */
public interface RunStore {

    /** Records a new run in {@link RunStatus#QUEUED}, attempt 1. */
    Run create(NewRun run);

    /**
     * Records a run the server will execute: no owner yet, references not yet resolved. Older runs of the same
     * environment that have not started ({@code queued} or {@code awaiting_approval}, no owner) are superseded
     * by it in the same transaction, so a burst of signals becomes one deploy.
     */
    Enqueued enqueue(NewRun run);

    /** Stores the pinned release of a queued run. Returns false when the run is no longer queued. */
    boolean resolve(String id, Release pinned);

    /** {@code queued → awaiting_approval}, recording the rule and when the request lapses. */
    Run requestApproval(String id, int required, java.time.Instant expiresAt, java.time.Instant at);

    /**
     * Records an approval decision on a run awaiting approval. With {@code to} null the run stays where it is;
     * otherwise it moves ({@code queued} when approved, {@code rejected} when rejected) in the same transaction.
     *
     * @throws StaleTransitionException when the run is no longer awaiting approval
     */
    Run decide(String id, Approval.Decision decision, RunStatus to, Transition details);

    Optional<Run> find(String id);

    List<Run> list(RunQuery query);

    /** How many runs are in each status. */
    java.util.Map<RunStatus, Long> countByStatus();

    /** Runs that are not terminal, oldest first. */
    List<Run> unfinished();

    /** Runs of one environment that are not terminal, oldest first. */
    List<Run> unfinished(String app, String environment);

    /** Runs that are not terminal and name the process that claimed them: the only ones that can be orphans. */
    List<Run> claimedUnfinished();

    /**
     * The scheduler's view of the runs that are not terminal, oldest first: only what it decides on, so reading
     * it on every wake stays cheap however large the signals and releases are.
     */
    List<QueueEntry> queue();

    /**
     * Moves a run from {@code from} to {@code to} if, and only if, it is still in {@code from}.
     *
     * @throws StaleTransitionException when another process moved it first
     * @throws IllegalStateException    when the state machine forbids the move
     */
    Run transition(String id, RunStatus from, RunStatus to, Transition details);

    /** Records (or clears, with null) the deployer's process group while it runs. */
    void recordDeployerProcess(String id, Long processGroupId);

    /** Replaces the run's recorded steps. */
    void recordSteps(String id, List<Step> steps);

    /** Appends redacted lines; returns the sequence number of the last one. */
    long appendLog(String id, List<LogLine> lines);

    /** Lines with {@code seq > afterSeq}, at most {@code limit}. */
    List<LogLine> log(String id, long afterSeq, int limit);

    /** The last {@code n} lines, oldest first. */
    List<LogLine> logTail(String id, int n);

    record NewRun(String id, String app, String environment, DeploySignal signal, Release release,
                  String deployer, Owner owner, java.time.Instant at) {}

    /** @param superseded the runs it superseded, as they are now */
    record Enqueued(Run run, List<Run> superseded) {
        public List<String> supersededIds() {
            return superseded.stream().map(Run::id).toList();
        }
    }

    /**
     * @param approved          the approval rule was met (or the run never asked for approval: false)
     * @param approvalExpiresAt when its pending approval request lapses; null when it has none
     */
    record QueueEntry(String id, String app, String environment, RunStatus status, Owner owner, boolean approved,
                      java.time.Instant approvalExpiresAt) {}

    record RunQuery(String app, String environment, RunStatus status, int limit) {
        public static RunQuery all(int limit) {
            return new RunQuery(null, null, null, limit);
        }
    }

    /**
     * What a transition records besides the new status. Null fields leave the run's value unchanged.
     */
    record Transition(java.time.Instant at, String note, Integer exitCode, String deployedUrl, ErrorReport error,
                      String supersededBy, Owner owner) {
        public static Transition at(java.time.Instant at, String note) {
            return new Transition(at, note, null, null, null, null, null);
        }

        public Transition withExitCode(Integer code) {
            return new Transition(at, note, code, deployedUrl, error, supersededBy, owner);
        }

        public Transition withDeployedUrl(String url) {
            return new Transition(at, note, exitCode, url, error, supersededBy, owner);
        }

        public Transition withError(ErrorReport e) {
            return new Transition(at, note, exitCode, deployedUrl, e, supersededBy, owner);
        }

        public Transition withSupersededBy(String runId) {
            return new Transition(at, note, exitCode, deployedUrl, error, runId, owner);
        }

        public Transition withOwner(Owner o) {
            return new Transition(at, note, exitCode, deployedUrl, error, supersededBy, o);
        }
    }

    /** Another process moved the run first; the caller lost the race and must re-read. */
    final class StaleTransitionException extends RuntimeException {
        public StaleTransitionException(String id, RunStatus expected) {
            super("run " + id + " is no longer " + expected.wireName());
        }
    }
}

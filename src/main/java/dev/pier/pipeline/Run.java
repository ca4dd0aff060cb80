package dev.pier.pipeline;

import java.time.Instant;
import java.util.List;

/**
 * One attempt to put a release into an environment: the unit a person, CI or an orchestrator follows.
 *
 * @param deployerPid the deployer's process group id while it runs; null otherwise
 * @param owner       the Pier process executing the run; null when none does (e.g. server queue)
 * @param deployedUrl set on success
 * @param error       set on failure, rejection or cancellation
 * @param supersededBy the run that replaced this one, when superseded
 * @param steps       the commands the deployer ran, in order
 * @param history     every status change, oldest first
 * @param resolved    false while a run queued by the server waits for its references to be pinned
 * @param approval    the approval request and its decisions; null when the environment needs none
 */
public record Run(
        String id,
        String app,
        String environment,
        RunStatus status,
        int attempt,
        DeploySignal signal,
        Release release,
        String deployer,
        Owner owner,
        Long deployerPid,
        Integer exitCode,
        String deployedUrl,
        ErrorReport error,
        String supersededBy,
        List<Step> steps,
        Instant createdAt,
        Instant updatedAt,
        List<StatusChange> history,
        boolean resolved,
        Approval approval) {

    public Run(String id, String app, String environment, RunStatus status, int attempt, DeploySignal signal,
               Release release, String deployer, Owner owner, Long deployerPid, Integer exitCode, String deployedUrl,
               ErrorReport error, String supersededBy, List<Step> steps, Instant createdAt, Instant updatedAt,
               List<StatusChange> history) {
        this(id, app, environment, status, attempt, signal, release, deployer, owner, deployerPid, exitCode,
                deployedUrl, error, supersededBy, steps, createdAt, updatedAt, history, true, null);
    }

    public Run {
        steps = steps == null ? List.of() : List.copyOf(steps);
        history = history == null ? List.of() : List.copyOf(history);
    }

    public Run withHistory(List<StatusChange> h, Approval a) {
        return new Run(id, app, environment, status, attempt, signal, release, deployer, owner, deployerPid, exitCode,
                deployedUrl, error, supersededBy, steps, createdAt, updatedAt, h, resolved, a);
    }

    /** {@code failed (interrupted)} style label for people. */
    public String statusLabel() {
        if (status == RunStatus.FAILED && error != null && "interrupted".equals(error.kind())) {
            return "failed (interrupted)";
        }
        if (status == RunStatus.REJECTED && error != null && "approval_expired".equals(error.kind())) {
            return "rejected (approval expired)";
        }
        return status.wireName();
    }
}

package dev.pier.pipeline;

import dev.pier.config.EnvironmentSpec;
import dev.pier.config.EnvironmentSpec.OrphanPolicy;
import dev.pier.pipeline.RunStore.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Finishes runs that a dead Pier process left unfinished (a {@code kill -9}, a power cut), so no run
 * stays stuck in {@code deploying}. An orphaned deployer is waited for or stopped, as its environment
 * says; the run then fails as {@code interrupted}.
 */
public final class RunRecovery {

    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private final RunStore runs;
    private final EnvironmentLocks locks;
    private final ProcessControl processes;
    private final Clock clock;
    private final BiFunction<String, String, Optional<EnvironmentSpec>> environments;

    public RunRecovery(RunStore runs, EnvironmentLocks locks, ProcessControl processes, Clock clock,
                       BiFunction<String, String, Optional<EnvironmentSpec>> environments) {
        this.runs = runs;
        this.locks = locks;
        this.processes = processes;
        this.clock = clock;
        this.environments = environments;
    }

    /**
     * Recovers the runs of one environment. The caller holds that environment's lock; {@code progress} hears
     * what is being waited for, so a deploy queued behind an orphan says why it waits.
     */
    public void recoverEnvironment(String app, String env, boolean mayWait, LogSink progress) {
        for (Run run : orphans(runs.unfinished(app, env))) {
            recover(run, mayWait, progress);
        }
    }

    /** Recovers what can be recovered without waiting: for commands that only read. */
    public void recoverIdle() {
        for (Run run : orphans()) {
            if (!run.status().isExecuting()) {
                recover(run, false, null);
                continue;
            }
            Optional<EnvironmentLocks.Lease> lease = locks.tryAcquire(run.app(), run.environment());
            if (lease.isEmpty()) {
                continue; // someone live holds the environment and will recover it
            }
            try (EnvironmentLocks.Lease ignored = lease.get()) {
                boolean deployerRunning = run.deployerPid() != null && processes.isGroupAlive(run.deployerPid());
                if (!deployerRunning || policy(run) == OrphanPolicy.STOP) {
                    recover(run, false, null);
                }
            }
        }
    }

    private List<Run> orphans() {
        return orphans(runs.claimedUnfinished());
    }

    private List<Run> orphans(List<Run> unfinished) {
        Owner self = processes.self();
        return unfinished.stream()
                .filter(r -> r.owner() != null && r.owner().pid() != self.pid())
                .filter(r -> !processes.isAlive(r.owner()))
                .toList();
    }

    private void recover(Run run, boolean mayWait, LogSink progress) {
        String what;
        Long group = run.deployerPid();
        if (group != null && processes.isGroupAlive(group)) {
            if (mayWait && policy(run) == OrphanPolicy.WAIT) {
                String waiting = "the Pier process " + run.owner().pid() + " died; waiting for its deployer (process"
                        + " group " + group + ") to finish";
                note(run, waiting);
                if (progress != null) {
                    progress.pier("run " + run.id() + ": " + waiting + " before this deploy starts");
                }
                boolean ended = waitForGroup(group, deadline(run));
                if (!ended) {
                    processes.stopGroup(group, STOP_GRACE);
                }
                what = ended ? "its deployer (process group " + group + ") was waited for and ended"
                        : "its deployer (process group " + group + ") outlived the timeout and was stopped";
            } else {
                processes.stopGroup(group, STOP_GRACE);
                what = "its deployer (process group " + group + ") was stopped";
            }
        } else {
            what = group == null ? "no deployer was running" : "its deployer (process group " + group + ") had ended";
        }
        String summary = "interrupted: the Pier process (pid " + run.owner().pid() + ") died while the run was "
                + run.status().wireName() + "; " + what;
        if (retriable(run)) {
            String again = summary + "; the environment is idempotent, so attempt " + (run.attempt() + 1)
                    + " is queued";
            note(run, again);
            try {
                runs.transition(run.id(), run.status(), RunStatus.QUEUED, Transition.at(clock.instant(), again));
            } catch (RunStore.StaleTransitionException e) {
                // another process recovered it first
            }
            return;
        }
        note(run, summary);
        List<String> tail = runs.logTail(run.id(), ErrorReport.TAIL_LINES).stream().map(LogLine::text).toList();
        try {
            runs.transition(run.id(), run.status(), RunStatus.FAILED, Transition.at(clock.instant(), summary)
                    .withError(new ErrorReport("interrupted", run.status().wireName(), null, summary, tail)));
        } catch (RunStore.StaleTransitionException e) {
            // another process recovered it first
        }
    }

    /**
     * Only a run the server queued is tried again: the server's worker picks it up, and the orchestrator polling
     * its id sees it finish. A CLI deploy's caller is gone, so its run fails.
     */
    private boolean retriable(Run run) {
        return run.status().isExecuting() && !"cli".equals(run.signal().origin())
                && environments.apply(run.app(), run.environment())
                .map(e -> e.controls().idempotent()).orElse(false);
    }

    /** Environments ({@code app/env}) with a run that a dead process left unfinished. */
    public java.util.Set<String> orphanedEnvironments() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        orphans().forEach(r -> out.add(r.app() + "/" + r.environment()));
        return out;
    }

    private OrphanPolicy policy(Run run) {
        return environments.apply(run.app(), run.environment()).map(EnvironmentSpec::orphan).orElse(OrphanPolicy.WAIT); // never kill what we know nothing about
    }

    private Instant deadline(Run run) {
        Duration timeout = environments.apply(run.app(), run.environment())
                .map(EnvironmentSpec::timeout).orElse(Duration.ZERO);
        // helm may run past its --timeout while it rolls back; the deployers allow 2x + 1m before killing.
        return run.updatedAt().plus(timeout.multipliedBy(2)).plusSeconds(60).plus(STOP_GRACE);
    }

    private boolean waitForGroup(long group, Instant deadline) {
        while (processes.isGroupAlive(group)) {
            if (!clock.instant().isBefore(deadline)) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void note(Run run, String text) {
        runs.appendLog(run.id(), List.of(new LogLine(0, clock.instant(), "pier", text)));
    }
}

package dev.pier.controller;

import dev.pier.controller.ControllerException.Kind;
import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.ErrorReport;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunIds;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.pipeline.RunStore.Transition;
import dev.pier.signal.ValidatedSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** What the API asks of runs: queue a signal, follow a run, cancel one. */
public final class RunController {

    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final RunStore runs;
    private final RunWorker worker;
    private final RunEvents events;
    private final Clock clock;
    private final RunIds ids;

    public RunController(RunStore runs, RunWorker worker, RunEvents events, Clock clock) {
        this.runs = runs;
        this.worker = worker;
        this.events = events;
        this.clock = clock;
        this.ids = new RunIds(clock);
    }

    /** Records the run durably (superseding older queued ones) and wakes the worker. */
    public RunStore.Enqueued enqueue(ValidatedSignal v, DeploySignal signal) {
        RunStore.Enqueued e = runs.enqueue(new RunStore.NewRun(ids.next(), v.app().name(), v.environment().name(),
                signal, v.release(), v.environment().deployer().type(), null, clock.instant()));
        events.changed(e.run());
        e.superseded().forEach(events::changed);
        worker.wake();
        return e;
    }

    public Run find(String id) {
        return runs.find(id).orElseThrow(() -> new ControllerException(Kind.NOT_FOUND, "no run " + id));
    }

    /**
     * Returns when the run's status (or attempt) differs from what it was on entry, it is terminal, or
     * {@code wait} passes. Changes made in this process wake it at once; others (a CLI deploy) within a second.
     */
    public Run awaitChange(String id, Duration wait) throws InterruptedException {
        try (RunEvents.Watch watch = events.watch(id)) {
            Run first = find(id);
            long end = System.nanoTime() + wait.toNanos();
            Run now = first;
            while (!now.status().isTerminal()) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                watch.await(Math.min(left, RECHECK.toMillis()));
                now = find(id);
                if (now.status() != first.status() || now.attempt() != first.attempt()) {
                    break;
                }
            }
            return now;
        }
    }

    /** Cancels a waiting run at once, or stops the deployer of one this server executes. */
    public Run cancel(String id, String who) {
        for (int tries = 0; tries < 3; tries++) {
            Run run = find(id);
            if (run.status().isTerminal()) {
                throw new ControllerException(Kind.CONFLICT, "run " + id + " already ended: " + run.statusLabel());
            }
            String reason = "cancelled by " + who;
            if (worker.cancelExecuting(id, reason)) {
                return find(id);
            }
            if (run.owner() != null || run.status().isExecuting()) {
                throw new ControllerException(Kind.CONFLICT, "run " + id + " belongs to another process (pid "
                        + (run.owner() == null ? "?" : run.owner().pid()) + ", a local pier deploy); stop it there");
            }
            try {
                Run cancelled = runs.transition(id, run.status(), RunStatus.CANCELLED, Transition.at(clock.instant(),
                        reason).withError(new ErrorReport("cancelled", run.status().wireName(), null, reason,
                        List.of())));
                events.changed(cancelled);
                return cancelled;
            } catch (RunStore.StaleTransitionException e) {
                // the worker took it meanwhile; look again
            }
        }
        throw new ControllerException(Kind.CONFLICT, "run " + id + " kept changing; try again");
    }
}

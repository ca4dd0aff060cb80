package dev.pier.controller;

import dev.pier.config.EnvironmentControls.ApprovalRule;
import dev.pier.config.EnvironmentSpec;
import dev.pier.intake.RunPreparation;
import dev.pier.intake.RunPreparation.PreparationException;
import dev.pier.pipeline.Accepted;
import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.DeployService;
import dev.pier.pipeline.EnvironmentLocks;
import dev.pier.pipeline.ErrorReport;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunObserver;
import dev.pier.pipeline.RunRecovery;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.pipeline.RunStore.QueueEntry;
import dev.pier.pipeline.RunStore.Transition;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The server's run worker: takes queued runs oldest first, at most one per environment, pins them, asks for
 * approval where the environment requires it, deploys, and finishes what a dead process left behind. One
 * scheduler thread decides; each run executes on its own virtual thread.
 */
public final class RunWorker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("pier.worker");
    private static final Duration TICK = Duration.ofSeconds(1);

    private final RunStore runs;
    private final EnvironmentLocks locks;
    private final DeployService deploys;
    private final RunRecovery recovery;
    private final RunPreparation preparation;
    private final RunEvents events;
    private final Clock clock;
    private final RunObserver observer;
    private final Map<String, Cancellation> executing = new ConcurrentHashMap<>();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore wake = new Semaphore(0);
    private final Semaphore slots; // runs executing at once, across environments
    private volatile boolean running;
    private Thread scheduler;

    public RunWorker(RunStore runs, EnvironmentLocks locks, DeployService deploys, RunRecovery recovery,
                     RunPreparation preparation, RunEvents events, Clock clock, int maxParallelRuns) {
        if (maxParallelRuns < 1) {
            throw new IllegalArgumentException("maxParallelRuns must be at least 1, not " + maxParallelRuns);
        }
        this.slots = new Semaphore(maxParallelRuns);
        this.runs = runs;
        this.locks = locks;
        this.deploys = deploys;
        this.recovery = recovery;
        this.preparation = preparation;
        this.events = events;
        this.clock = clock;
        this.observer = new RunObserver() {
            @Override
            public void line(String stream, String text) {
                // lines are stored by the run's log; followers read them from the store
            }

            @Override
            public void changed(Run run) {
                events.changed(run);
            }
        };
    }

    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        running = true;
        scheduler = Thread.ofPlatform().daemon().name("pier-scheduler").start(this::loop);
    }

    /** Something changed (a signal, an approval): look at the queue now rather than at the next tick. */
    public void wake() {
        wake.release();
    }

    /** Runs executing in this process. */
    public int executingCount() {
        return executing.size();
    }

    /** Stops the deployer of a run this process executes. False when it does not execute it. */
    public boolean cancelExecuting(String runId, String reason) {
        Cancellation c = executing.get(runId);
        if (c == null) {
            return false;
        }
        c.cancel(reason);
        return true;
    }

    private void loop() {
        while (running) {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "scheduler tick failed; retrying", e);
            }
            try {
                wake.tryAcquire(TICK.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void tick() {
        List<QueueEntry> queue = runs.queue();
        expireApprovals(queue);
        if (queue.stream().anyMatch(r -> r.owner() != null && !executing.containsKey(r.id()))) {
            recoverOrphans(); // only runs claimed by another process can be orphans; skip the scan when none is
        }
        for (QueueEntry run : queue) {
            if (!running) {
                return;
            }
            if (run.status() == RunStatus.QUEUED && run.owner() == null) {
                dispatch(run);
            }
        }
    }

    private void dispatch(QueueEntry run) {
        String key = run.app() + "/" + run.environment();
        if (busy.contains(key)) {
            return;
        }
        EnvironmentSpec env;
        try {
            env = preparation.environment(run.app(), run.environment());
        } catch (PreparationException e) {
            failQueued(run.id(), e);
            return;
        }
        ApprovalRule rule = env.controls().approvals();
        if (rule != null && !run.approved()) {
            if (busy.add(key)) {
                submit(key, () -> requestApproval(run.id(), rule));
            }
            return;
        }
        if (!slots.tryAcquire()) {
            return; // max_parallel_runs are executing; a finished one wakes us
        }
        Optional<EnvironmentLocks.Lease> lease = locks.tryAcquire(run.app(), run.environment());
        if (lease.isEmpty()) {
            slots.release();
            return; // a CLI deploy holds it; try again next tick
        }
        if (!busy.add(key)) {
            lease.get().close();
            slots.release();
            return;
        }
        submit(key, () -> {
            try (EnvironmentLocks.Lease held = lease.get()) {
                execute(run);
            } finally {
                slots.release();
            }
        });
    }

    private void submit(String key, Runnable task) {
        tasks.submit(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "run task for " + key + " failed", e);
            } finally {
                busy.remove(key);
                wake();
            }
        });
    }

    /**
     * Recovers what dead processes left unfinished in an environment and announces the runs it changed, and only
     * those: announcing a run again would send its notification again and count it in the metrics again.
     */
    private void recoverAndAnnounce(String app, String env) {
        List<Run> unfinished = runs.unfinished(app, env);
        if (unfinished.stream().noneMatch(r -> r.owner() != null && !executing.containsKey(r.id()))) {
            return; // the usual case: nothing here was claimed by a process other than this one's live runs
        }
        Map<String, RunStatus> before = new java.util.HashMap<>();
        unfinished.forEach(r -> before.put(r.id(), r.status()));
        recovery.recoverEnvironment(app, env, true, observer);
        before.forEach((id, status) -> runs.find(id).filter(r -> r.status() != status).ifPresent(events::changed));
    }

    private void execute(QueueEntry queued) {
        recoverAndAnnounce(queued.app(), queued.environment());
        Run run = runs.find(queued.id()).orElseThrow();
        if (run.status() != RunStatus.QUEUED || run.owner() != null) {
            return; // superseded or cancelled while it waited
        }
        Cancellation cancel = new Cancellation();
        executing.put(run.id(), cancel);
        try {
            Release release = run.resolved() ? run.release() : preparation.pin(run);
            if (!run.resolved() && !runs.resolve(run.id(), release)) {
                return;
            }
            Accepted accepted = preparation.accept(run, release);
            Run claimed;
            try {
                claimed = deploys.claim(run.id(), accepted.environment().deployer().type());
            } catch (RunStore.StaleTransitionException e) {
                return;
            }
            events.changed(claimed);
            try {
                deploys.runClaimed(claimed, accepted, cancel, observer);
            } catch (RuntimeException e) {
                // Never leave a claimed run deploying: a restart would not recover it while we live.
                LOG.log(Level.ERROR, "run " + claimed.id() + " failed unexpectedly", e);
                Run now = runs.find(claimed.id()).orElseThrow();
                if (!now.status().isTerminal()) {
                    events.changed(deploys.failClaimed(now, "internal", "deploy", "internal error: "
                            + e.getClass().getSimpleName() + "; see the server log", observer));
                }
            }
        } catch (PreparationException e) {
            failQueued(run.id(), e);
        } finally {
            executing.remove(run.id());
        }
    }

    private void requestApproval(String id, ApprovalRule rule) {
        Run run = runs.find(id).orElseThrow();
        if (run.status() != RunStatus.QUEUED || run.owner() != null) {
            return; // superseded or cancelled while it waited
        }
        try {
            Release release = run.resolved() ? run.release() : preparation.pin(run);
            if (!run.resolved() && !runs.resolve(run.id(), release)) {
                return;
            }
            Instant now = clock.instant();
            events.changed(runs.requestApproval(run.id(), rule.required(), now.plus(rule.expires()), now));
        } catch (PreparationException e) {
            failQueued(id, e);
        } catch (RunStore.StaleTransitionException e) {
            // superseded or cancelled meanwhile
        }
    }

    private void failQueued(String id, PreparationException e) {
        try {
            Run failed = runs.transition(id, RunStatus.QUEUED, RunStatus.FAILED,
                    Transition.at(clock.instant(), e.getMessage())
                            .withError(new ErrorReport(e.kind(), e.step(), null, e.getMessage(), List.of())));
            events.changed(failed);
        } catch (RunStore.StaleTransitionException ignored) {
            // it left the queue meanwhile
        }
    }

    private void expireApprovals(List<QueueEntry> queue) {
        Instant now = clock.instant();
        for (QueueEntry entry : queue) {
            if (entry.status() != RunStatus.AWAITING_APPROVAL || entry.approvalExpiresAt() == null
                    || entry.approvalExpiresAt().isAfter(now)) {
                continue;
            }
            Run run = runs.find(entry.id()).orElseThrow(); // with its decisions, for the count below
            if (run.status() != RunStatus.AWAITING_APPROVAL || run.approval() == null) {
                continue;
            }
            String summary = "rejected (approval expired): " + run.approval().approvals() + " of "
                    + run.approval().required() + " approvals before " + run.approval().expiresAt();
            try {
                events.changed(runs.transition(run.id(), RunStatus.AWAITING_APPROVAL, RunStatus.REJECTED,
                        Transition.at(now, summary).withError(new ErrorReport("approval_expired", "approval", null,
                                summary, List.of()))));
            } catch (RunStore.StaleTransitionException ignored) {
                // decided meanwhile
            }
        }
    }

    private void recoverOrphans() {
        for (String key : recovery.orphanedEnvironments()) {
            String[] parts = key.split("/", 2);
            if (busy.contains(key)) {
                continue;
            }
            Optional<EnvironmentLocks.Lease> lease = locks.tryAcquire(parts[0], parts[1]);
            if (lease.isEmpty()) {
                continue; // a live process holds it and recovers it itself
            }
            if (!busy.add(key)) {
                lease.get().close();
                continue;
            }
            submit(key, () -> {
                try (EnvironmentLocks.Lease held = lease.get()) {
                    recoverAndAnnounce(parts[0], parts[1]);
                }
            });
        }
    }

    /**
     * Stops taking runs, lets executing ones finish within {@code grace}, then interrupts the rest (their
     * deployers are stopped; idempotent environments queue them again for the next start).
     */
    public void shutdown(Duration grace) {
        running = false;
        wake();
        long end = System.nanoTime() + grace.toNanos();
        waitUntil(() -> executing.isEmpty(), end);
        executing.forEach((id, c) -> c.interrupt("the server is shutting down"));
        tasks.shutdown();
        try {
            // Stopping a deployer's process group takes at most its stop grace (10 s) plus recording.
            tasks.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier done, long endNanos) {
        while (!done.getAsBoolean() && System.nanoTime() < endNanos) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (endNanos - System.nanoTime()) / 1_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}

package dev.pier.pipeline;

import dev.pier.pipeline.RunStore.NewRun;
import dev.pier.pipeline.RunStore.Transition;
import dev.pier.secret.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns an accepted signal into a finished run: one deployer per environment at a time, every status
 * change recorded, the outcome a value. Knows only ports; the composition root supplies adapters.
 */
public final class DeployService {

    private static final java.time.Duration TRANSIENT_HOLD = java.time.Duration.ofSeconds(3);

    private final RunStore runs;
    private final AuditLog audit;
    private final EnvironmentLocks locks;
    private final Function<String, Deployer> deployers;
    private final RunRecovery recovery;
    private final ProcessControl processes;
    private final Clock clock;
    private final RunIds ids;
    private final Path workRoot;

    public DeployService(RunStore runs, AuditLog audit, EnvironmentLocks locks, Function<String, Deployer> deployers,
                         RunRecovery recovery, ProcessControl processes, Clock clock, Path workRoot) {
        this.runs = runs;
        this.audit = audit;
        this.locks = locks;
        this.deployers = deployers;
        this.recovery = recovery;
        this.processes = processes;
        this.clock = clock;
        this.ids = new RunIds(clock);
        this.workRoot = workRoot;
    }

    /** The result of {@link #deploy}: a finished (or cancelled) run, or a refusal that left no run. */
    public sealed interface Result {
        record Finished(Run run) implements Result {}

        record Busy(String message) implements Result {}
    }

    public Result deploy(Accepted a, IfBusy ifBusy, Cancellation cancel, RunObserver observer) {
        String app = a.app().name();
        String env = a.environment().name();
        Deployer deployer = deployers.apply(a.environment().deployer().type());
        Optional<EnvironmentLocks.Lease> free = locks.tryAcquire(app, env);
        if (free.isEmpty() && ifBusy == IfBusy.FAIL) {
            free = unlessDeploying(app, env);
        }
        if (free.isEmpty() && ifBusy == IfBusy.FAIL) {
            String msg = app + "/" + env + " is busy: another run holds it (--if-busy fail)";
            audit.record(new AuditLog.Entry(clock.instant(), a.signal().actor(), "signal", app, env, "refused", msg));
            return new Result.Busy(msg);
        }
        Run run = runs.create(new NewRun(ids.next(), app, env, a.signal(), a.release(), deployer.type(),
                processes.self(), clock.instant()));
        observer.created(run);
        EnvironmentLocks.Lease lease;
        try {
            lease = free.isPresent() ? free.get() : waitForEnvironment(run, cancel, observer);
        } catch (CancelledException e) {
            return new Result.Finished(finish(run.id(), RunStatus.QUEUED, RunStatus.CANCELLED,
                    Transition.at(clock.instant(), "cancelled while queued: " + e.getMessage())
                            .withError(new ErrorReport("cancelled", "queued", null,
                                    "cancelled while waiting for " + app + "/" + env + ": " + e.getMessage(),
                                    java.util.List.of())), observer));
        }
        try (lease) {
            // We hold the environment: anything still marked executing there belongs to a dead process.
            recovery.recoverEnvironment(app, env, true, observer);
            return new Result.Finished(execute(run, a, deployer, cancel, observer));
        }
    }

    /**
     * A read-only command recovering orphans holds an environment's lock for a moment. "Busy" means a live
     * run is executing there, so when none is, retry briefly before refusing.
     */
    private Optional<EnvironmentLocks.Lease> unlessDeploying(String app, String env) {
        long deadline = System.nanoTime() + TRANSIENT_HOLD.toNanos();
        while (System.nanoTime() < deadline) {
            boolean executing = runs.unfinished().stream().anyMatch(r -> r.app().equals(app)
                    && r.environment().equals(env) && r.status().isExecuting()
                    && r.owner() != null && processes.isAlive(r.owner()));
            if (executing) {
                return Optional.empty();
            }
            Optional<EnvironmentLocks.Lease> lease = locks.tryAcquire(app, env);
            if (lease.isPresent()) {
                return lease;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private EnvironmentLocks.Lease waitForEnvironment(Run run, Cancellation cancel, RunObserver observer)
            throws CancelledException {
        observer.pier("waiting: another run holds " + run.app() + "/" + run.environment());
        return locks.acquire(run.app(), run.environment(), cancel);
    }

    private Run execute(Run queued, Accepted a, Deployer deployer, Cancellation cancel, RunObserver observer) {
        if (cancel.isCancelled()) {
            return finish(queued.id(), RunStatus.QUEUED, RunStatus.CANCELLED,
                    Transition.at(clock.instant(), "cancelled before it started"), observer);
        }
        Run run = runs.transition(queued.id(), RunStatus.QUEUED, RunStatus.DEPLOYING,
                Transition.at(clock.instant(), "deployer " + deployer.type() + " starting")
                        .withOwner(processes.self()));
        observer.changed(run);
        RunLog log = new RunLog(run.id(), runs, Redactor.of(a.secrets().values()), observer, clock,
                RunLog.DEFAULT_CAP_BYTES);
        Path workDir = workDir(run.id());
        DeployOutcome outcome;
        try {
            RunningContext context = new RunningContext(run.id(), runs, log, cancel, clock);
            outcome = deployer.deploy(new DeployRequest(run.id(), a.app().name(), a.environment(), a.release(),
                    workDir, a.secrets()), context);
        } catch (RuntimeException e) {
            // A deployer bug must still end the run; the message is redacted like any log line.
            log.pier("deployer error: " + e);
            outcome = new DeployOutcome.Failed("deploy_failed", deployer.type(), null,
                    log.redactor().redact("deployer error: " + e.getMessage()));
        } finally {
            runs.recordDeployerProcess(run.id(), null);
            deleteQuietly(workDir);
        }
        return record(run, a, outcome, log, observer);
    }

    private Run record(Run run, Accepted a, DeployOutcome outcome, RunLog log, RunObserver observer) {
        return switch (outcome) {
            case DeployOutcome.Succeeded s -> {
                log.pier("deploy succeeded" + (s.detail() == null ? "" : ": " + s.detail()));
                String url = DeployedUrl.render(a.environment().deployedUrl(), run, log);
                yield finish(run.id(), RunStatus.DEPLOYING, RunStatus.SUCCEEDED,
                        Transition.at(clock.instant(), s.detail()).withExitCode(0).withDeployedUrl(url), observer);
            }
            case DeployOutcome.Failed f -> {
                log.pier("deploy failed: " + f.summary());
                ErrorReport report = new ErrorReport(f.kind(), f.step(), f.exitCode(),
                        log.redactor().redact(f.summary()), log.tail());
                yield finish(run.id(), RunStatus.DEPLOYING, RunStatus.FAILED,
                        Transition.at(clock.instant(), f.summary()).withExitCode(f.exitCode()).withError(report),
                        observer);
            }
            case DeployOutcome.Cancelled c -> {
                log.pier("deploy cancelled: " + c.reason());
                ErrorReport report = new ErrorReport("cancelled", "deploy", null, c.reason(), log.tail());
                yield finish(run.id(), RunStatus.DEPLOYING, RunStatus.CANCELLED,
                        Transition.at(clock.instant(), c.reason()).withError(report), observer);
            }
        };
    }

    private Run finish(String id, RunStatus from, RunStatus to, Transition t, RunObserver observer) {
        Run done = runs.transition(id, from, to, t);
        observer.changed(done);
        return done;
    }

    private Path workDir(String runId) {
        Path dir = workRoot.resolve(runId);
        try {
            Files.createDirectories(workRoot);
            Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work directory " + dir, e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the directory holds no secrets
        }
    }
}

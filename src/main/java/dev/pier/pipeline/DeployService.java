package dev.pier.pipeline;

import dev.pier.pipeline.RunStore.NewRun;
import dev.pier.pipeline.RunStore.Transition;
import dev.pier.secret.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
    private final PostDeployCheck check;

    public DeployService(RunStore runs, AuditLog audit, EnvironmentLocks locks, Function<String, Deployer> deployers,
                         RunRecovery recovery, ProcessControl processes, Clock clock, Path workRoot) {
        this(runs, audit, locks, deployers, recovery, processes, clock, workRoot, PostDeployCheck.NONE);
    }

    public DeployService(RunStore runs, AuditLog audit, EnvironmentLocks locks, Function<String, Deployer> deployers,
                         RunRecovery recovery, ProcessControl processes, Clock clock, Path workRoot,
                         PostDeployCheck check) {
        this.check = check;
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

        /** The environment's policy does not allow a local deploy (e.g. it needs approval). */
        record Refused(String message) implements Result {}
    }

    public Result deploy(Accepted a, IfBusy ifBusy, Cancellation cancel, RunObserver observer) {
        String app = a.app().name();
        String env = a.environment().name();
        Deployer deployer = deployers.apply(a.environment().deployer().type());
        if (a.environment().controls().approvals() != null) {
            String msg = app + "/" + env + " requires " + a.environment().controls().approvals().required()
                    + " approval(s): send the signal to the server (pier deploy --server URL) so approvers can"
                    + " decide; a local deploy cannot wait for them";
            audit.record(new AuditLog.Entry(clock.instant(), a.signal().actor(), "signal", app, env, "refused", msg));
            return new Result.Refused(msg);
        }
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
            boolean executing = runs.unfinished(app, env).stream().anyMatch(r -> r.status().isExecuting()
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
        Run run = claim(queued.id(), deployer.type());
        observer.changed(run);
        return runClaimed(run, a, cancel, observer);
    }

    /**
     * Takes a queued run for this process: {@code queued → deploying}, owned by us. The caller holds the
     * environment's lock.
     *
     * @throws RunStore.StaleTransitionException when the run left {@code queued} meanwhile (superseded, cancelled)
     */
    public Run claim(String runId, String deployerType) {
        return runs.transition(runId, RunStatus.QUEUED, RunStatus.DEPLOYING,
                Transition.at(clock.instant(), "deployer " + deployerType + " starting").withOwner(processes.self()));
    }

    /** Fails a claimed run before its deployer started, e.g. when its references could not be resolved. */
    public Run failClaimed(Run run, String kind, String step, String summary, RunObserver observer) {
        observer.pier(step + " failed: " + summary);
        List<String> tail = runs.logTail(run.id(), ErrorReport.TAIL_LINES).stream().map(LogLine::text).toList();
        return finish(run.id(), run.status(), RunStatus.FAILED, Transition.at(clock.instant(), summary)
                .withError(new ErrorReport(kind, step, null, summary, tail)), observer);
    }

    /** Runs the deployer (and the post-deploy check) for a run this process has claimed. */
    public Run runClaimed(Run run, Accepted a, Cancellation cancel, RunObserver observer) {
        Deployer deployer = deployers.apply(a.environment().deployer().type());
        RunLog log = new RunLog(run.id(), runs, Redactor.of(a.secrets().values()), observer, clock,
                RunLog.DEFAULT_CAP_BYTES);
        Path workDir = workRoot.resolve(run.id());
        DeployOutcome outcome;
        try {
            workDir = workDir(run.id());
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
        return record(run, a, outcome, log, cancel, observer);
    }

    private Run verify(Run run, Accepted a, dev.pier.config.EnvironmentControls.HttpCheck spec, String deployedUrl,
                       RunLog log, Cancellation cancel, RunObserver observer) {
        Run verifying = finish(run.id(), RunStatus.DEPLOYING, RunStatus.VERIFYING,
                Transition.at(clock.instant(), "checking the deployed release answers").withExitCode(0), observer);
        String url = DeployedUrl.render(spec.url(), verifying, log);
        PostDeployCheck.Result result = check.run(spec, url, cancel, log);
        if (cancel.isCancelled()) {
            return cancel.isInterrupted() ? interrupted(verifying, a, cancel.reason(), log, observer)
                    : finish(run.id(), RunStatus.VERIFYING, RunStatus.CANCELLED, Transition.at(clock.instant(),
                    cancel.reason()).withError(new ErrorReport("cancelled", "check", null, cancel.reason(),
                    log.tail())), observer);
        }
        if (result.passed()) {
            log.pier("check passed: " + result.summary());
            return finish(run.id(), RunStatus.VERIFYING, RunStatus.SUCCEEDED,
                    Transition.at(clock.instant(), "check passed: " + result.summary()).withDeployedUrl(deployedUrl),
                    observer);
        }
        String summary = log.redactor().redact("check failed: " + result.summary());
        log.pier(summary);
        return finish(run.id(), RunStatus.VERIFYING, RunStatus.FAILED, Transition.at(clock.instant(), summary)
                .withError(new ErrorReport("check_failed", "check", null, summary, log.tail())), observer);
    }

    /** Pier is shutting down under the run: queue it again when that is safe, else fail it as interrupted. */
    private Run interrupted(Run run, Accepted a, String reason, RunLog log, RunObserver observer) {
        RunStatus from = runs.find(run.id()).map(Run::status).orElse(run.status());
        if (a.environment().controls().idempotent()) {
            String note = "interrupted (" + reason + "); the environment is idempotent, so attempt "
                    + (run.attempt() + 1) + " is queued";
            log.pier(note);
            return finish(run.id(), from, RunStatus.QUEUED, Transition.at(clock.instant(), note), observer);
        }
        String summary = "interrupted: " + reason + "; the deployer was stopped and the run is not retried (the "
                + "environment is not marked idempotent)";
        log.pier(summary);
        return finish(run.id(), from, RunStatus.FAILED, Transition.at(clock.instant(), summary)
                .withError(new ErrorReport("interrupted", from.wireName(), null, summary, log.tail())), observer);
    }

    private Run record(Run run, Accepted a, DeployOutcome outcome, RunLog log, Cancellation cancel,
                       RunObserver observer) {
        return switch (outcome) {
            case DeployOutcome.Succeeded s -> {
                log.pier("deploy succeeded" + (s.detail() == null ? "" : ": " + s.detail()));
                String url = a.environment().deployedUrl() == null ? s.deployedUrl()
                        : DeployedUrl.render(a.environment().deployedUrl(), run, log);
                var spec = a.environment().controls().check();
                if (spec == null) {
                    yield finish(run.id(), RunStatus.DEPLOYING, RunStatus.SUCCEEDED,
                            Transition.at(clock.instant(), s.detail()).withExitCode(0).withDeployedUrl(url), observer);
                }
                yield verify(run, a, spec, url, log, cancel, observer);
            }
            case DeployOutcome.Failed f -> {
                log.pier("deploy failed: " + f.summary());
                ErrorReport report = new ErrorReport(f.kind(), f.step(), f.exitCode(),
                        log.redactor().redact(f.summary()), log.tail());
                yield finish(run.id(), RunStatus.DEPLOYING, RunStatus.FAILED,
                        Transition.at(clock.instant(), f.summary()).withExitCode(f.exitCode()).withError(report),
                        observer);
            }
            case DeployOutcome.Cancelled c when cancel.isInterrupted() -> interrupted(run, a, c.reason(), log, observer);
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
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            deleteQuietly(dir); // left by an attempt a crash interrupted
        }
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

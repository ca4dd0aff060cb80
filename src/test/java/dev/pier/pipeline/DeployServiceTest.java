package dev.pier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.AppSpec;
import dev.pier.config.DeployerSpec;
import dev.pier.config.EnvironmentSpec;
import dev.pier.deploy.OsProcessControl;
import dev.pier.store.Database;
import dev.pier.store.FileEnvironmentLocks;
import dev.pier.store.JdbcAuditLog;
import dev.pier.store.JdbcRunStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeployService on the real SQLite store, file locks and OS process checks, with an in-test deployer. */
class DeployServiceTest {

    @TempDir
    Path home;

    JdbcRunStore runs;
    JdbcAuditLog audit;
    FileEnvironmentLocks locks;
    OsProcessControl processes = new OsProcessControl();
    AtomicReference<BiFunction<DeployRequest, DeployContext, DeployOutcome>> behaviour = new AtomicReference<>();

    static final EnvironmentSpec ENV = new EnvironmentSpec("live",
            new DeployerSpec.Command(Path.of("/"), List.of(new DeployerSpec.CommandStep(List.of("true"), null)),
                    Map.of(), Duration.ofMinutes(1), Map.of()),
            "https://{{app}}.example/{{images.app}}", EnvironmentSpec.PinMode.AS_GIVEN,
            EnvironmentSpec.OrphanPolicy.STOP);
    static final AppSpec APP = new AppSpec("web", AppSpec.ArtifactMode.NONE, "charts/*",
            Map.of("app", new AppSpec.ComponentSpec(true, null, null)),
            List.of(new AppSpec.SourceRule("ghcr.io", List.of("acme"))), Map.of("live", ENV));

    @BeforeEach
    void setUp() {
        var db = Database.openSqlite(home);
        runs = new JdbcRunStore(db.jdbi());
        audit = new JdbcAuditLog(db.jdbi());
        locks = new FileEnvironmentLocks(home);
    }

    DeployService service() {
        Deployer deployer = new Deployer() {
            public String type() {
                return "command";
            }

            public List<PlannedCommand> plan(DeployRequest r) {
                return List.of();
            }

            public DeployOutcome deploy(DeployRequest r, DeployContext c) {
                return behaviour.get().apply(r, c);
            }
        };
        RunRecovery recovery = new RunRecovery(runs, locks, processes, Clock.systemUTC(), (a, e) -> Optional.of(ENV));
        return new DeployService(runs, audit, locks, t -> deployer, recovery, processes, Clock.systemUTC(),
                home.resolve("work"));
    }

    static Accepted accepted(Map<String, String> secrets) {
        DeploySignal s = new DeploySignal("web", null, null, null, null, "{\"app\":\"ghcr.io/acme/web/app:1\"}",
                "test", "alice");
        Release r = new Release("web", null, null, Map.of("app", Release.ArtifactRef.asGiven("ghcr.io/acme/web/app:1")));
        return new Accepted(s, APP, ENV, r, secrets);
    }

    Run finished(DeployService.Result result) {
        assertThat(result).isInstanceOf(DeployService.Result.Finished.class);
        return ((DeployService.Result.Finished) result).run();
    }

    @Test
    void a_successful_deploy_records_the_deployed_url_and_its_log() {
        behaviour.set((r, c) -> {
            c.log().line("stdout", "rolled out " + r.release().images().get("app").deploy());
            return new DeployOutcome.Succeeded("ok");
        });

        Run run = finished(service().deploy(accepted(Map.of()), IfBusy.WAIT, new Cancellation(), RunObserver.NONE));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.deployedUrl()).isEqualTo("https://web.example/ghcr.io/acme/web/app:1");
        assertThat(runs.log(run.id(), 0, 10)).extracting(LogLine::text).contains("rolled out ghcr.io/acme/web/app:1");
        assertThat(run.owner()).isNull();
    }

    @Test
    void a_failed_deploy_records_an_error_report_with_the_redacted_log_tail() {
        behaviour.set((r, c) -> {
            c.log().line("stderr", "auth failed with token " + r.secrets().get("token"));
            return new DeployOutcome.Failed("deploy_failed", "command 1/1: deploy", 3, "exited 3");
        });

        Run run = finished(service().deploy(accepted(Map.of("token", "tok-SECRET-123")), IfBusy.WAIT,
                new Cancellation(), RunObserver.NONE));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.error().step()).isEqualTo("command 1/1: deploy");
        assertThat(run.error().logTail()).contains("auth failed with token ***");
        assertThat(runs.log(run.id(), 0, 10).toString()).doesNotContain("tok-SECRET-123");
    }

    @Test
    void a_busy_environment_with_if_busy_fail_records_no_run_only_an_audit_entry() {
        try (var held = locks.tryAcquire("web", "live").orElseThrow()) {
            DeployService.Result result = service().deploy(accepted(Map.of()), IfBusy.FAIL, new Cancellation(),
                    RunObserver.NONE);

            assertThat(result).isInstanceOf(DeployService.Result.Busy.class);
        }
        assertThat(runs.list(RunStore.RunQuery.all(10))).isEmpty();
        assertThat(audit.recent(1)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("refused");
            assertThat(e.reason()).contains("web/live is busy");
        });
    }

    @Test
    void cancelling_while_queued_cancels_the_run_without_deploying() {
        behaviour.set((r, c) -> {
            throw new AssertionError("must not deploy");
        });
        Cancellation cancel = new Cancellation();
        DeployService.Result result;
        try (var held = locks.tryAcquire("web", "live").orElseThrow()) {
            RunObserver cancelOnCreate = new RunObserver() {
                public void line(String stream, String text) {}

                public void created(Run run) {
                    cancel.cancel("received SIGTERM");
                }
            };
            result = service().deploy(accepted(Map.of()), IfBusy.WAIT, cancel, cancelOnCreate);
        }
        Run run = finished(result);
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.error().summary()).contains("received SIGTERM");
    }

    @Test
    void a_run_left_deploying_by_a_dead_process_fails_as_interrupted_before_the_next_deploy() {
        Run orphan = runs.create(new RunStore.NewRun("01orphan0000000000000000aa", "web", "live",
                accepted(Map.of()).signal(), accepted(Map.of()).release(), "command",
                new Owner(Integer.MAX_VALUE - 7, Instant.parse("2020-01-01T00:00:00Z")), Instant.now()));
        runs.transition(orphan.id(), RunStatus.QUEUED, RunStatus.DEPLOYING, RunStore.Transition.at(Instant.now(), "x"));
        behaviour.set((r, c) -> new DeployOutcome.Succeeded("ok"));

        Run next = finished(service().deploy(accepted(Map.of()), IfBusy.WAIT, new Cancellation(), RunObserver.NONE));

        assertThat(next.status()).isEqualTo(RunStatus.SUCCEEDED);
        Run recovered = runs.find(orphan.id()).orElseThrow();
        assertThat(recovered.status()).isEqualTo(RunStatus.FAILED);
        assertThat(recovered.statusLabel()).isEqualTo("failed (interrupted)");
        assertThat(recovered.error().summary()).contains("died while the run was deploying");
    }
}

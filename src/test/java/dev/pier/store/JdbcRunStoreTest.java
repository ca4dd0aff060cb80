package dev.pier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.ErrorReport;
import dev.pier.pipeline.LogLine;
import dev.pier.pipeline.Owner;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.pipeline.RunStore.NewRun;
import dev.pier.pipeline.RunStore.RunQuery;
import dev.pier.pipeline.RunStore.Transition;
import dev.pier.pipeline.Step;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcRunStoreTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path home;

    JdbcRunStore store;

    @BeforeEach
    void open() {
        store = new JdbcRunStore(Database.openSqlite(home).jdbi());
    }

    static NewRun newRun(String id, String env) {
        DeploySignal signal = new DeploySignal("pytoya", env, "oci://ghcr.io/acme/charts/pytoya", "0.1.0", null,
                "{\"api\":\"ghcr.io/acme/pytoya/api:1\"}", "cli", "alice");
        Release release = new Release("pytoya", new Release.ChartRef("oci://ghcr.io/acme/charts/pytoya", "0.1.0", null),
                null, Map.of("api", Release.ArtifactRef.asGiven("ghcr.io/acme/pytoya/api:1")));
        return new NewRun(id, "pytoya", env, signal, release, "helm", new Owner(42, T0), T0);
    }

    @Test
    void a_created_run_is_queued_with_the_signal_and_release_as_recorded() {
        Run run = store.create(newRun("r1", "production"));

        assertThat(run.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(run.attempt()).isEqualTo(1);
        assertThat(run.signal().images()).isEqualTo("{\"api\":\"ghcr.io/acme/pytoya/api:1\"}");
        assertThat(run.release().images().get("api").deploy()).isEqualTo("ghcr.io/acme/pytoya/api:1");
        assertThat(run.owner()).isEqualTo(new Owner(42, T0));
        assertThat(run.history()).extracting(c -> c.to()).containsExactly(RunStatus.QUEUED);
    }

    @Test
    void transitions_record_each_status_change_with_its_time_and_details() {
        store.create(newRun("r1", "production"));
        store.transition("r1", RunStatus.QUEUED, RunStatus.DEPLOYING, Transition.at(T0.plusSeconds(1), "start"));
        ErrorReport report = new ErrorReport("deploy_failed", "helm upgrade", 1, "boom", List.of("a", "b"));
        Run failed = store.transition("r1", RunStatus.DEPLOYING, RunStatus.FAILED,
                Transition.at(T0.plusSeconds(2), "boom").withExitCode(1).withError(report));

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.error()).isEqualTo(report);
        assertThat(failed.owner()).as("a finished run has no owner").isNull();
        assertThat(failed.history()).extracting(c -> c.to())
                .containsExactly(RunStatus.QUEUED, RunStatus.DEPLOYING, RunStatus.FAILED);
        assertThat(failed.history().get(2).at()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void a_transition_from_a_status_the_run_has_left_is_stale() {
        store.create(newRun("r1", "production"));
        store.transition("r1", RunStatus.QUEUED, RunStatus.CANCELLED, Transition.at(T0, "x"));

        assertThatThrownBy(() -> store.transition("r1", RunStatus.QUEUED, RunStatus.DEPLOYING, Transition.at(T0, "y")))
                .isInstanceOf(RunStore.StaleTransitionException.class);
        assertThat(store.find("r1").orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void the_state_machine_refuses_moves_out_of_a_terminal_status() {
        store.create(newRun("r1", "production"));
        store.transition("r1", RunStatus.QUEUED, RunStatus.CANCELLED, Transition.at(T0, "x"));

        assertThatThrownBy(() -> store.transition("r1", RunStatus.CANCELLED, RunStatus.DEPLOYING,
                Transition.at(T0, "y"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void requeueing_an_executing_run_starts_a_new_attempt_of_the_same_run() {
        store.create(newRun("r1", "production"));
        store.transition("r1", RunStatus.QUEUED, RunStatus.DEPLOYING, Transition.at(T0, "start"));
        Run again = store.transition("r1", RunStatus.DEPLOYING, RunStatus.QUEUED, Transition.at(T0, "retry"));

        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.id()).isEqualTo("r1");
    }

    @Test
    void log_lines_keep_their_order_and_the_tail_is_the_newest() {
        store.create(newRun("r1", "production"));
        for (int i = 1; i <= 5; i++) {
            store.appendLog("r1", List.of(new LogLine(0, T0, "stdout", "line " + i)));
        }

        assertThat(store.log("r1", 2, 10)).extracting(LogLine::text).containsExactly("line 3", "line 4", "line 5");
        assertThat(store.logTail("r1", 2)).extracting(LogLine::text).containsExactly("line 4", "line 5");
    }

    @Test
    void lists_filter_by_app_environment_and_status_newest_first() {
        store.create(newRun("r1", "production"));
        store.create(new NewRun("r2", "pytoya", "staging", newRun("x", "staging").signal(),
                newRun("x", "staging").release(), "helm", null, T0.plusSeconds(5)));
        store.create(new NewRun("r3", "pytoya", "production", newRun("x", "production").signal(),
                newRun("x", "production").release(), "helm", null, T0.plusSeconds(9)));
        store.transition("r3", RunStatus.QUEUED, RunStatus.CANCELLED, Transition.at(T0, "x"));

        assertThat(store.list(new RunQuery("pytoya", "production", null, 10))).extracting(Run::id)
                .containsExactly("r3", "r1");
        assertThat(store.list(new RunQuery(null, null, RunStatus.QUEUED, 10))).extracting(Run::id)
                .containsExactly("r2", "r1");
        assertThat(store.unfinished()).extracting(Run::id).containsExactly("r1", "r2");
    }

    @Test
    void writes_that_skip_their_own_fsync_leave_the_connection_fully_synchronous_for_the_next_commit() {
        Database db = Database.openSqlite(home.resolve("sync"));
        JdbcRunStore runs = new JdbcRunStore(db.jdbi());
        runs.create(newRun("r1", "production"));
        runs.appendLog("r1", List.of(new LogLine(0, T0, "stdout", "hello")));
        runs.recordSteps("r1", List.of());
        runs.recordDeployerProcess("r1", 7L);

        // 2 = FULL: status changes and signals must still be fsynced before they are acknowledged
        int synchronous = db.jdbi().withHandle(h -> h.createQuery("pragma synchronous").mapTo(Integer.class).one());
        assertThat(synchronous).isEqualTo(2);
        assertThat(runs.log("r1", 0, 10)).extracting(LogLine::text).containsExactly("hello");
    }

    @Test
    void steps_and_the_deployer_process_group_are_recorded_on_the_run() {
        store.create(newRun("r1", "production"));
        store.recordDeployerProcess("r1", 4242L);
        store.recordSteps("r1", List.of(new Step("helm upgrade", List.of("helm", "upgrade"), T0, null, null, "running")));

        Run run = store.find("r1").orElseThrow();
        assertThat(run.deployerPid()).isEqualTo(4242L);
        assertThat(run.steps()).singleElement().satisfies(s -> assertThat(s.argv()).containsExactly("helm", "upgrade"));
    }

    @Test
    void a_second_process_opening_the_same_home_sees_the_same_runs() {
        store.create(newRun("r1", "production"));
        JdbcRunStore other = new JdbcRunStore(Database.openSqlite(home).jdbi());

        assertThat(other.find("r1")).isPresent();
    }
}

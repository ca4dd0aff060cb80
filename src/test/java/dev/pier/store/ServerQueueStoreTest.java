package dev.pier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.pipeline.Approval;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.pipeline.RunStore.NewRun;
import dev.pier.pipeline.RunStore.Transition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's queue in the store: supersede on enqueue, pinning, approval requests and decisions. */
class ServerQueueStoreTest {

    @TempDir
    Path home;

    JdbcRunStore store;

    @BeforeEach
    void open() {
        store = new JdbcRunStore(Database.openSqlite(home).jdbi());
    }

    static NewRun queued(String id, String env, int second) {
        NewRun r = JdbcRunStoreTest.newRun(id, env);
        return new NewRun(r.id(), r.app(), r.environment(), r.signal(), r.release(), r.deployer(), null,
                JdbcRunStoreTest.T0.plusSeconds(second));
    }

    @Test
    void a_newer_signal_supersedes_older_runs_that_have_not_started_and_only_those() {
        Run first = store.enqueue(queued("r1", "staging", 1)).run();
        store.transition(first.id(), RunStatus.QUEUED, RunStatus.DEPLOYING,
                Transition.at(JdbcRunStoreTest.T0.plusSeconds(2), "started").withOwner(
                        new dev.pier.pipeline.Owner(7, JdbcRunStoreTest.T0)));
        store.enqueue(queued("r2", "staging", 3));
        store.enqueue(queued("other", "production", 4));
        NewRun r3 = queued("r3", "staging", 5);
        RunStore.Enqueued third = store.enqueue(new NewRun(r3.id(), r3.app(), r3.environment(), r3.signal(),
                r3.release(), r3.deployer(), null, r3.at().plusNanos(123_456))); // the store keeps milliseconds

        assertThat(third.supersededIds()).containsExactly("r2");
        assertThat(third.superseded().get(0).status()).isEqualTo(RunStatus.SUPERSEDED);
        assertThat(third.run()).isEqualTo(store.find("r3").orElseThrow());
        assertThat(third.run().resolved()).isFalse();
        Run r2 = store.find("r2").orElseThrow();
        assertThat(r2.status()).isEqualTo(RunStatus.SUPERSEDED);
        assertThat(r2.supersededBy()).isEqualTo("r3");
        assertThat(r2.history()).extracting(h -> h.to()).containsExactly(RunStatus.QUEUED, RunStatus.SUPERSEDED);
        assertThat(store.find("r1").orElseThrow().status()).as("an executing run is never superseded")
                .isEqualTo(RunStatus.DEPLOYING);
        assertThat(store.find("other").orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
    }

    @Test
    void the_schedulers_views_hold_exactly_the_unfinished_runs_they_name() {
        var t0 = JdbcRunStoreTest.T0;
        store.enqueue(queued("claimed", "staging", 1));
        store.transition("claimed", RunStatus.QUEUED, RunStatus.DEPLOYING,
                Transition.at(t0.plusSeconds(2), "started").withOwner(new dev.pier.pipeline.Owner(7, t0)));
        store.enqueue(queued("waiting", "staging", 3));
        store.enqueue(queued("gated", "production", 4));
        store.requestApproval("gated", 1, t0.plusSeconds(3600), t0.plusSeconds(5));
        store.enqueue(queued("approved", "review", 6));
        store.requestApproval("approved", 1, t0.plusSeconds(3600), t0.plusSeconds(7));
        store.decide("approved", new Approval.Decision("bob", "token:tokb", "approve", t0.plusSeconds(8), null),
                RunStatus.QUEUED, Transition.at(t0.plusSeconds(8), "approved"));
        store.enqueue(queued("done", "qa", 9));
        store.transition("done", RunStatus.QUEUED, RunStatus.CANCELLED, Transition.at(t0.plusSeconds(10), "x"));

        assertThat(store.unfinished("pytoya", "staging")).extracting(Run::id).containsExactly("claimed", "waiting");
        assertThat(store.unfinished("pytoya", "qa")).isEmpty();
        assertThat(store.claimedUnfinished()).extracting(Run::id).containsExactly("claimed");
        assertThat(store.queue()).containsExactly(
                new RunStore.QueueEntry("claimed", "pytoya", "staging", RunStatus.DEPLOYING,
                        new dev.pier.pipeline.Owner(7, t0), false, null),
                new RunStore.QueueEntry("waiting", "pytoya", "staging", RunStatus.QUEUED, null, false, null),
                new RunStore.QueueEntry("gated", "pytoya", "production", RunStatus.AWAITING_APPROVAL, null, false,
                        t0.plusSeconds(3600)),
                new RunStore.QueueEntry("approved", "pytoya", "review", RunStatus.QUEUED, null, true,
                        t0.plusSeconds(3600)));
    }

    @Test
    void the_schedulers_reads_touch_only_unfinished_runs_so_a_long_history_does_not_slow_them() {
        var jdbi = Database.openSqlite(home).jdbi();
        for (String sql : List.of(JdbcRunStore.UNFINISHED_SQL, JdbcRunStore.CLAIMED_SQL, JdbcRunStore.QUEUE_SQL,
                JdbcRunStore.UNFINISHED_IN_ENV_SQL)) {
            assertThat(plan(jdbi, sql)).as(sql).containsAnyOf("USING INDEX runs_by_status (status=?)",
                    "USING INDEX runs_unfinished_by_env (app=? AND environment=?)");
        }
    }

    private static String plan(org.jdbi.v3.core.Jdbi jdbi, String sql) {
        return jdbi.withHandle(h -> String.join("\n", h.createQuery("explain query plan " + sql)
                .define("unused", "").configure(org.jdbi.v3.core.statement.SqlStatements.class,
                        c -> c.setUnusedBindingAllowed(true))
                .bind("app", "pytoya").bind("env", "staging")
                .map((rs, ctx) -> rs.getString("detail")).list()));
    }

    @Test
    void pinning_is_recorded_only_while_the_run_is_still_queued() {
        store.enqueue(queued("r1", "staging", 1));
        Release pinned = new Release("pytoya", null, null, Map.of("api",
                new Release.ArtifactRef("ghcr.io/acme/pytoya/api:1", "ghcr.io/acme/pytoya/api@sha256:" + "a".repeat(64),
                        "sha256:" + "a".repeat(64), null)));

        assertThat(store.resolve("r1", pinned)).isTrue();
        assertThat(store.find("r1").orElseThrow().resolved()).isTrue();
        store.enqueue(queued("r2", "staging", 2));
        assertThat(store.resolve("r1", pinned)).as("superseded meanwhile").isFalse();
    }

    @Test
    void an_approval_request_records_its_rule_and_each_decision_with_who_and_when() {
        store.enqueue(queued("r1", "production", 1));
        var at = JdbcRunStoreTest.T0.plusSeconds(2);
        Run waiting = store.requestApproval("r1", 2, at.plusSeconds(3600), at);
        assertThat(waiting.status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(waiting.approval().required()).isEqualTo(2);
        assertThat(waiting.approval().expiresAt()).isEqualTo(at.plusSeconds(3600));

        Run one = store.decide("r1", new Approval.Decision("bob", "token:tokb", "approve", at.plusSeconds(5), "lgtm"),
                null, null);
        assertThat(one.status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(one.approval().approvals()).isEqualTo(1);
        Run two = store.decide("r1", new Approval.Decision("carol", "token:tokc", "approve", at.plusSeconds(6), null),
                RunStatus.QUEUED, Transition.at(at.plusSeconds(6), "approved"));
        assertThat(two.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(two.approval().approvedAt()).isEqualTo(at.plusSeconds(6));
        assertThat(two.approval().decisions()).extracting(Approval.Decision::approver).containsExactly("bob", "carol");
        assertThat(two.approval().decisions().get(0).comment()).isEqualTo("lgtm");

        assertThatThrownBy(() -> store.decide("r1", new Approval.Decision("dave", "token:tokd", "approve",
                at.plusSeconds(7), null), null, null)).isInstanceOf(RunStore.StaleTransitionException.class);
        assertThat(store.find("r1").orElseThrow().approval().decisions()).as("a refused decision is not recorded")
                .hasSize(2);
    }

    @Test
    void an_interrupted_attempt_queued_again_belongs_to_no_process_and_counts_a_new_attempt() {
        store.enqueue(queued("r1", "staging", 1));
        store.transition("r1", RunStatus.QUEUED, RunStatus.DEPLOYING, Transition.at(JdbcRunStoreTest.T0, "go")
                .withOwner(new dev.pier.pipeline.Owner(7, JdbcRunStoreTest.T0)));
        store.recordDeployerProcess("r1", 77L);

        Run again = store.transition("r1", RunStatus.DEPLOYING, RunStatus.QUEUED,
                Transition.at(JdbcRunStoreTest.T0, "interrupted; attempt 2 queued"));

        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.owner()).isNull();
        assertThat(again.deployerPid()).isNull();
    }
}

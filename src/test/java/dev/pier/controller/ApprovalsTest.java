package dev.pier.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore.NewRun;
import dev.pier.store.Database;
import dev.pier.store.JdbcRunStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Four eyes on the real store: never the author, each person once, the last approval moves the run. */
class ApprovalsTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path home;

    JdbcRunStore runs;
    Approvals approvals;

    @BeforeEach
    void open() {
        runs = new JdbcRunStore(Database.openSqlite(home).jdbi());
        approvals = new Approvals(runs, new RunEvents(), Clock.fixed(T0, ZoneOffset.UTC));
        DeploySignal signal = new DeploySignal("pytoya", "production", null, null, null, "{}", "api", "Alice");
        runs.enqueue(new NewRun("r1", "pytoya", "production", signal, new Release("pytoya", null, null, Map.of()),
                "command", null, T0));
        runs.requestApproval("r1", 2, T0.plusSeconds(3600), T0);
    }

    @Test
    void the_author_cannot_approve_or_reject_their_own_signal_whatever_the_case_of_their_name() {
        assertThatThrownBy(() -> approvals.decide("r1", "alice", "token:t1", true, null))
                .isInstanceOfSatisfying(ControllerException.class, e -> assertThat(e.kind())
                        .isEqualTo(ControllerException.Kind.POLICY)).hasMessageContaining("four eyes");
        assertThatThrownBy(() -> approvals.decide("r1", "ALICE", "token:t2", false, null))
                .isInstanceOf(ControllerException.class);
        assertThat(runs.find("r1").orElseThrow().approval().decisions()).isEmpty();
    }

    @Test
    void each_person_counts_once_and_the_last_required_approval_queues_the_run() {
        Run one = approvals.decide("r1", "bob", "token:b1", true, "ok");
        assertThat(one.status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThatThrownBy(() -> approvals.decide("r1", "bob", "token:b2", true, null))
                .isInstanceOfSatisfying(ControllerException.class, e -> assertThat(e.kind())
                        .isEqualTo(ControllerException.Kind.CONFLICT));

        Run two = approvals.decide("r1", "carol", "oidc:acme/x@refs/heads/main", true, null);
        assertThat(two.status()).isEqualTo(RunStatus.QUEUED);
        assertThat(two.approval().approvedAt()).isEqualTo(T0);
        assertThatThrownBy(() -> approvals.decide("r1", "dave", "token:d", true, null))
                .hasMessageContaining("only a run awaiting approval");
    }

    @Test
    void a_rejection_ends_the_run_with_who_and_why() {
        Run rejected = approvals.decide("r1", "bob", "token:b1", false, "wrong build");
        assertThat(rejected.status()).isEqualTo(RunStatus.REJECTED);
        assertThat(rejected.error().summary()).isEqualTo("rejected by bob: wrong build");
        assertThatThrownBy(() -> approvals.decide("nope", "bob", "t", true, null))
                .isInstanceOfSatisfying(ControllerException.class, e -> assertThat(e.kind())
                        .isEqualTo(ControllerException.Kind.NOT_FOUND));
    }
}

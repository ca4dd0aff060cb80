package dev.pier.it;

import static dev.pier.it.CommandApp.envs;
import static dev.pier.it.CommandApp.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a Pier process mid-deploy. The deployer runs in its own session, so it outlives Pier;
 * the next Pier invocation must not leave the run in {@code deploying}: it stops the orphaned deployer
 * group ({@code orphan: stop}) or waits for it ({@code orphan: wait}, never starting another deployer for
 * the environment meanwhile), then fails the run as {@code failed (interrupted)}.
 */
class CrashRecoveryIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    CommandApp app;

    @AfterEach
    void tearDown() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void with_orphan_stop_the_next_pier_stops_the_orphaned_group_and_fails_the_run_as_interrupted() {
        app = new CommandApp(new Node(dir), envs("staging", "stop"), """
                sleep 300 &
                echo $! > "$state/grandchild.tmp" && mv "$state/grandchild.tmp" "$state/grandchild.pid"
                echo $$ > "$state/script.tmp" && mv "$state/script.tmp" "$state/script.pid"
                wait
                """);
        PierProcess deploy = app.startDeploy("staging");
        // Crash as soon as the deployer is seen running: recovery must not depend on when Pier dies.
        await("the deployer to start").atMost(DEADLINE).pollInterval(Duration.ofMillis(5))
                .failFast("pier exited before the deployer started", () -> !deploy.isAlive())
                .until(() -> Files.exists(app.file("script.pid")) && Files.exists(app.file("grandchild.pid")));
        long script = app.pid("script.pid");
        long grandchild = app.pid("grandchild.pid");

        deploy.kill();
        assertThat(deploy.await(DEADLINE).exitCode()).isEqualTo(128 + 9);
        assertThat(Procs.alive(script) && Procs.alive(grandchild))
                .as("the deployer outlives pier: it runs in its own session").isTrue();

        JsonNode runs = app.runs(); // the next invocation, a read-only one, recovers the run

        assertThat(runs).as(runs.toPrettyString()).hasSize(1);
        JsonNode run = runs.get(0);
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("failed");
        assertThat(run.get("status_label").asText()).isEqualTo("failed (interrupted)");
        assertThat(run.at("/error/kind").asText()).isEqualTo("interrupted");
        assertThat(run.at("/error/step").asText()).isEqualTo("deploying");
        assertThat(run.at("/error/summary").asText())
                .contains("pid " + deploy.pid()).contains("process group " + script + ") was stopped");
        assertThat(Procs.groupAlive(script)).as("the orphaned deployer group is stopped before the run fails").isFalse();
        assertThat(Procs.alive(grandchild)).isFalse();

        JsonNode shown = app.run(run.get("id").asText());
        assertThat(shown.get("history")).extracting(h -> h.get("to").asText())
                .containsExactly("queued", "deploying", "failed");
        assertThat(shown.get("deployer_pid").isNull()).isTrue();
    }

    @Test
    void with_orphan_wait_the_next_deploy_waits_for_the_orphaned_deployer_before_running_its_own() {
        app = new CommandApp(new Node(dir), envs("staging", "wait"), """
                echo "start $$" >> "$state/invocations"
                while [ ! -e "$state/go" ]; do sleep 0.05; done
                echo "end $$" >> "$state/invocations"
                """);
        PierProcess first = app.startDeploy("staging");
        await("the first deployer to start").atMost(DEADLINE)
                .failFast("pier exited before the deployer started", () -> !first.isAlive())
                .until(() -> app.lines("invocations").size() == 1);
        long orphan = Long.parseLong(app.lines("invocations").get(0).substring("start ".length()));

        first.kill();
        assertThat(first.await(DEADLINE).exitCode()).isEqualTo(128 + 9);
        assertThat(Procs.alive(orphan)).as("the deployer outlives pier").isTrue();
        String firstId = app.runs().get(0).get("id").asText();

        PierProcess second = app.startDeploy("staging");
        // The second deploy holds the environment and waits for the orphan: its run is queued, and the
        // orphaned run's log says it is being waited for.
        await("the second deploy to wait for the orphan").atMost(DEADLINE)
                .failFast("the second deploy exited while the orphan still ran", () -> !second.isAlive())
                .failFast("a second deployer started before the orphan ended", () -> app.lines("invocations").size() > 1)
                .until(() -> app.run(firstId).get("log").toString().contains("waiting for its deployer (process group "
                        + orphan + ")"));
        JsonNode waiting = app.runs();
        assertThat(statuses(waiting)).as(waiting.toPrettyString()).containsExactly("queued", "deploying");
        assertThat(app.lines("invocations")).as("no second deployer while the orphan lives")
                .containsExactly("start " + orphan);
        assertThat(Procs.alive(orphan)).isTrue();

        app.touch("go");
        PierProcess.Result r = second.await(DEADLINE);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = app.lines("invocations");
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 2)).containsExactly("start " + orphan, "end " + orphan);
        String next = lines.get(2).substring("start ".length());
        assertThat(next).isNotEqualTo(Long.toString(orphan));
        assertThat(lines.get(3)).isEqualTo("end " + next);

        JsonNode runs = app.runs();
        assertThat(statuses(runs)).as(runs.toPrettyString()).containsExactly("succeeded", "failed");
        JsonNode interrupted = runs.get(1);
        assertThat(interrupted.get("id").asText()).isEqualTo(firstId);
        assertThat(interrupted.get("status_label").asText()).isEqualTo("failed (interrupted)");
        assertThat(interrupted.at("/error/kind").asText()).isEqualTo("interrupted");
        assertThat(interrupted.at("/error/summary").asText())
                .contains("process group " + orphan + ") was waited for and ended");
    }
}

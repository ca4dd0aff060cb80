package dev.pier.it;

import static dev.pier.it.CommandApp.envs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (a cancelled CI job) and SIGINT (Ctrl-C) during a deploy: Pier stops the deployer's whole
 * process group, grandchildren included, records the run as {@code cancelled} with an error report,
 * releases the environment and exits 6.
 */
class CancellationIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final int SIGINT = 2;

    /** Backgrounds a grandchild, publishes both pids, and waits; a later deploy (quick) just succeeds. */
    private static final String DEPLOYER = """
            if [ -e "$state/quick" ]; then echo "quick deploy"; exit 0; fi
            sleep 300 &
            echo $! > "$state/grandchild.tmp" && mv "$state/grandchild.tmp" "$state/grandchild.pid"
            echo $$ > "$state/script.tmp" && mv "$state/script.tmp" "$state/script.pid"
            echo "deployer $$ waiting for its grandchild $!"
            wait
            """;

    @TempDir
    Path dir;

    CommandApp app;

    @BeforeEach
    void setUp() {
        app = new CommandApp(new Node(dir), envs("staging", "stop"), DEPLOYER);
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    @Test
    void sigterm_stops_the_deployer_group_cancels_the_run_releases_the_environment_and_exits_6() throws Exception {
        cancelsWith(PierProcess::terminate, "SIGTERM");
    }

    @Test
    void sigint_stops_the_deployer_group_cancels_the_run_releases_the_environment_and_exits_6() throws Exception {
        cancelsWith(PierProcess::interrupt, "SIGINT");
    }

    private void cancelsWith(Consumer<PierProcess> signal, String name) throws Exception {
        PierProcess deploy = app.startDeployWithDefaultSignals("staging");
        await("the deployer and its grandchild to start").atMost(DEADLINE)
                .failFast("pier exited before the deployer started", () -> !deploy.isAlive())
                .until(() -> Files.exists(app.file("script.pid")) && Files.exists(app.file("grandchild.pid")));
        long script = app.pid("script.pid");
        long grandchild = app.pid("grandchild.pid");
        assertThat(Procs.alive(script)).isTrue();
        assertThat(Procs.alive(grandchild)).isTrue();
        assertThat(Procs.groupOf(grandchild)).as("the grandchild is in the deployer's group").isEqualTo(script);
        assertThat(Procs.ignores(deploy.pid(), SIGINT)).as("pier was started with SIGINT ignored").isFalse();

        signal.accept(deploy);
        PierProcess.Result r = deploy.await(DEADLINE);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
        assertThat(r.stdout()).contains("cancelled: demo/staging");
        await("the deployer and its grandchild to be gone").atMost(Duration.ofSeconds(5))
                .until(() -> !Procs.alive(script) && !Procs.alive(grandchild) && !Procs.groupAlive(script));

        JsonNode runs = app.runs();
        assertThat(runs).as(runs.toPrettyString()).hasSize(1);
        String id = runs.get(0).get("id").asText();
        JsonNode run = app.run(id);
        assertThat(run.get("status").asText()).as(run.toPrettyString()).isEqualTo("cancelled");
        assertThat(run.get("status_label").asText()).isEqualTo("cancelled");
        assertThat(run.at("/error/kind").asText()).isEqualTo("cancelled");
        assertThat(run.at("/error/summary").asText()).contains(name);
        assertThat(run.at("/error/log_tail").toString()).contains("deployer " + script + " waiting for its grandchild")
                .contains("stopping process group " + script);
        assertThat(run.at("/steps/0/outcome").asText()).isEqualTo("cancelled");
        assertThat(run.get("deployer_pid").isNull()).as("no deployer is recorded as running").isTrue();
        assertThat(run.get("history")).extracting(h -> h.get("to").asText())
                .containsExactly("queued", "deploying", "cancelled");

        // The environment is free again: a deploy that refuses to wait gets it.
        app.touch("quick");
        PierProcess.Result next = app.deploy("staging", "--if-busy", "fail");
        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(next.stdout()).contains("succeeded: demo/staging");
    }
}

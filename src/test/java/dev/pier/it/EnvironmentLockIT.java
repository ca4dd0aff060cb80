package dev.pier.it;

import static dev.pier.it.CommandApp.envs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One deployer per app and environment at a time, across separate {@code pier deploy} processes: a second
 * deploy waits (its run {@code queued}), or with {@code --if-busy fail} exits 4 and records no run; another
 * environment of the same app is not held up.
 */
class EnvironmentLockIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** Logs its start and end, and holds its environment until the test creates go-ENV. */
    private static final String DEPLOYER = """
            echo "start $PIER_ENV $$" >> "$state/invocations"
            while [ ! -e "$state/go-$PIER_ENV" ]; do sleep 0.05; done
            echo "end $PIER_ENV $$" >> "$state/invocations"
            """;

    @TempDir
    Path dir;

    CommandApp app;

    @BeforeEach
    void setUp() {
        app = new CommandApp(new Node(dir), envs("staging", "wait", "production", "wait"), DEPLOYER);
    }

    @AfterEach
    void tearDown() {
        app.close();
    }

    @Test
    void a_busy_environment_refuses_with_if_busy_fail_queues_by_default_and_never_runs_two_deployers() {
        PierProcess first = app.startDeploy("staging");
        await("the first deployer to start").atMost(DEADLINE)
                .failFast("pier exited before the deployer started", () -> !first.isAlive())
                .until(() -> staging().size() == 1);
        String firstId = app.runs().get(0).get("id").asText();

        // --if-busy fail: exit 4, a message naming app and environment, no run (only an audit entry).
        PierProcess.Result refused = app.startDeploy("staging", "--if-busy", "fail").await(DEADLINE);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(4);
        assertThat(refused.stderr()).contains("demo/staging").contains("busy");
        JsonNode afterRefusal = app.runs();
        assertThat(afterRefusal).as(afterRefusal.toPrettyString()).hasSize(1);
        assertThat(afterRefusal.get(0).get("id").asText()).isEqualTo(firstId);
        assertThat(app.node.count("SELECT count(*) FROM audit WHERE outcome = 'refused' AND app = 'demo' "
                + "AND environment = 'staging' AND reason LIKE '%busy%'")).isEqualTo(1);

        // The default, --if-busy wait: the run is recorded as queued while it waits.
        PierProcess third = app.startDeploy("staging");
        Map<String, String> byId = new HashMap<>();
        await("the third deploy to queue").atMost(DEADLINE)
                .failFast("the third deploy exited while the environment was busy", () -> !third.isAlive())
                .failFast("a second staging deployer started while the first held staging", () -> staging().size() > 1)
                .until(() -> {
                    byId.clear();
                    app.runs().forEach(r -> byId.put(r.get("id").asText(), r.get("status").asText()));
                    return byId.size() == 2;
                });
        assertThat(byId).containsEntry(firstId, "deploying").containsValue("queued");
        String thirdId = byId.keySet().stream().filter(id -> !id.equals(firstId)).findFirst().orElseThrow();

        // Another environment of the same app is not held up by staging.
        app.touch("go-production");
        PierProcess.Result production = app.startDeploy("production").await(DEADLINE);
        assertThat(production.exitCode()).as(production.toString()).isZero();
        assertThat(production.stdout()).contains("succeeded: demo/production");
        assertThat(staging()).as("the staging deployers, while staging is held").hasSize(1);
        assertThat(first.isAlive() && third.isAlive()).isTrue();

        app.touch("go-staging");
        PierProcess.Result r1 = first.await(DEADLINE);
        PierProcess.Result r3 = third.await(DEADLINE);

        assertThat(r1.exitCode()).as(r1.toString()).isZero();
        assertThat(r3.exitCode()).as(r3.toString()).isZero();
        assertThat(r3.stdout()).contains(thirdId);
        assertStrictlyAlternating(staging());
        JsonNode runs = app.runs();
        assertThat(runs).as(runs.toPrettyString()).hasSize(3)
                .allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("succeeded"));
    }

    private List<String> staging() {
        return app.lines("invocations").stream().filter(l -> l.contains(" staging ")).toList();
    }

    /** start A, end A, start B, end B, …: every deployer ended before the next one started. */
    private static void assertStrictlyAlternating(List<String> lines) {
        assertThat(lines).hasSize(4);
        List<String> pids = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 2) {
            String[] start = lines.get(i).split(" ");
            assertThat(start[0]).as("line %d of %s", i, lines).isEqualTo("start");
            assertThat(lines.get(i + 1)).as("line %d of %s", i + 1, lines).isEqualTo("end staging " + start[2]);
            pids.add(start[2]);
        }
        assertThat(pids).doesNotHaveDuplicates();
    }
}

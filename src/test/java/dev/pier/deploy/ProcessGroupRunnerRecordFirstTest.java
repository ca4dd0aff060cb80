package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.LogSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployer runs only once its process group is on record. Found with CrashRecoveryIT: a Pier killed
 * between starting the deployer and recording its group left a deployer running that recovery could not
 * see ("no deployer was running"), so the next deploy ran beside it. Here the store is made slow: the
 * recording blocks, and the program must not have started meanwhile.
 */
class ProcessGroupRunnerRecordFirstTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final RecordingContext recorded = new RecordingContext();
    private final CountDownLatch storeSlow = new CountDownLatch(1);
    private final CountDownLatch recording = new CountDownLatch(1);
    private final ProcessGroupRunner runner = new ProcessGroupRunner(new OsProcessControl(), Duration.ofSeconds(2), 10);

    /** Records like RecordingContext, but processStarted waits until the test lets it finish. */
    private final DeployContext slowStore = new DeployContext() {
        @Override
        public LogSink log() {
            return recorded.log();
        }

        @Override
        public Cancellation cancellation() {
            return recorded.cancellation();
        }

        @Override
        public void processStarted(long processGroupId) {
            recording.countDown();
            try {
                storeSlow.await(LONG.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recorded.processStarted(processGroupId);
        }

        @Override
        public void processEnded() {
            recorded.processEnded();
        }
    };

    @Test
    void theProgramDoesNotRunUntilItsProcessGroupIsRecorded() throws Exception {
        Path s = Os.script(dir, "touch.sh", "touch ran\necho \"pid=$$\"");
        CompletableFuture<ProcessGroupRunner.Result> run = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(new ProcessGroupRunner.Invocation(List.of(s.toString()), dir, Map.of(), LONG),
                        slowStore);
            } catch (ProcessGroupRunner.NotStartedException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(recording.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                .until(() -> !Files.exists(dir.resolve("ran")));
        storeSlow.countDown();
        ProcessGroupRunner.Result r = run.get(LONG.toSeconds(), TimeUnit.SECONDS);

        assertThat(r.exitCode()).isZero();
        assertThat(dir.resolve("ran")).exists();
        assertThat(recorded.texts("stdout")).as("the program runs in place of the gate: same pid, the group id")
                .containsExactly("pid=" + recorded.lastGroup());
    }

    @Test
    void theProgramStillReadsNothingFromStdin() throws Exception {
        Path s = Os.script(dir, "stdin.sh", "readlink /proc/$$/fd/0\nif read -r line; then echo \"read: $line\"; fi");

        ProcessGroupRunner.Result r = runner.run(new ProcessGroupRunner.Invocation(List.of(s.toString()), dir,
                Map.of(), LONG), recorded);

        assertThat(r.exitCode()).isZero();
        assertThat(recorded.texts("stdout")).containsExactly("/dev/null");
    }
}

package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: each test writes a bash script into a temp directory and runs it through setsid. */
class ProcessGroupRunnerTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** Starts a grandchild and publishes its pid atomically in child.pid. */
    private static final String BACKGROUND_SLEEP = "sleep 300 &\necho $! > child.tmp && mv child.tmp child.pid\n";

    @TempDir
    Path dir;

    private final RecordingContext ctx = new RecordingContext();
    private final ProcessGroupRunner runner = new ProcessGroupRunner(new OsProcessControl(), Duration.ofSeconds(2), 10);

    private ProcessGroupRunner.Invocation inv(Path script, Duration timeout) {
        return new ProcessGroupRunner.Invocation(List.of(script.toString()), dir, Map.of(), timeout);
    }

    private CompletableFuture<ProcessGroupRunner.Result> runAsync(ProcessGroupRunner.Invocation inv) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(inv, ctx);
            } catch (ProcessGroupRunner.NotStartedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void theChildLeadsItsOwnSessionAndGroupSoItsPidIsTheGroupId() throws Exception {
        Path s = Os.script(dir, "ids.sh", "read -r _ _ pgrp session _ < <(cut -d')' -f2- /proc/$$/stat)\n"
                + "echo \"pid=$$ pgid=$pgrp sid=$session\"");
        ProcessGroupRunner.Result r = runner.run(inv(s, LONG), ctx);

        assertThat(r.exitCode()).isZero();
        long pgid = ctx.started().get(0);
        assertThat(ctx.texts("stdout")).containsExactly("pid=" + pgid + " pgid=" + pgid + " sid=" + pgid);
        assertThat(pgid).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(ctx.ended()).isEqualTo(1);
    }

    @Test
    void stdoutAndStderrReachTheSinkLineByLineWhileTheProcessStillRuns() {
        Path s = Os.script(dir, "stream.sh", "echo first\necho oops >&2\n"
                + "while [ ! -e go ]; do sleep 0.05; done\necho last");
        CompletableFuture<ProcessGroupRunner.Result> run = runAsync(inv(s, LONG));

        await().atMost(DEADLINE).until(() -> ctx.saw("stdout", "first") && ctx.saw("stderr", "oops"));
        assertThat(run).isNotDone();
        assertThat(ctx.saw("stdout", "last")).isFalse();

        Os.script(dir, "go", "");
        ProcessGroupRunner.Result r = run.join();
        assertThat(r.succeeded()).isTrue();
        assertThat(ctx.texts("stdout")).containsExactly("first", "last");
    }

    @Test
    void onlyTheLastLinesOfOutputAreKept() throws Exception {
        Path s = Os.script(dir, "many.sh", "for i in $(seq 1 30); do echo \"line $i\"; done\nexit 3");
        ProcessGroupRunner.Result r = runner.run(inv(s, LONG), ctx);

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.outputTail()).hasSize(10).startsWith("line 21").endsWith("line 30");
        assertThat(ctx.texts("stdout")).hasSize(30);
    }

    @Test
    void theKeptOutputHoldsStderrAsWellAsStdout() throws Exception {
        // Two pipes: their relative order is arrival order, so only membership is asserted.
        Path s = Os.script(dir, "both.sh", "echo to-out\necho to-err >&2\nexit 1");
        ProcessGroupRunner.Result r = runner.run(inv(s, LONG), ctx);

        assertThat(r.outputTail()).containsExactlyInAnyOrder("to-out", "to-err");
        assertThat(ctx.texts("stderr")).containsExactly("to-err");
    }

    @Test
    void theArgvEnvironmentAndWorkingDirectoryArePassedWithoutAShell() throws Exception {
        Path s = Os.script(dir, "args.sh", "printf '[%s]\\n' \"$@\"\necho \"dir=$PWD extra=$EXTRA\"");
        ProcessGroupRunner.Result r = runner.run(new ProcessGroupRunner.Invocation(
                List.of(s.toString(), "two words", "$(touch pwned)", "*"), dir, Map.of("EXTRA", "x y"), LONG), ctx);

        assertThat(r.exitCode()).isZero();
        assertThat(ctx.texts("stdout")).containsExactly("[two words]", "[$(touch pwned)]", "[*]",
                "dir=" + dir.toRealPath() + " extra=x y");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void aTimeoutStopsTheWholeGroupIncludingABackgroundedGrandchild() throws Exception {
        Path s = Os.script(dir, "hang.sh", BACKGROUND_SLEEP + "echo started\nwait");
        ProcessGroupRunner.Result r = runner.run(inv(s, Duration.ofSeconds(1)), ctx);

        assertThat(r.timedOut()).isTrue();
        assertThat(r.cancelled()).isFalse();
        assertThat(r.succeeded()).isFalse();
        long pgid = ctx.lastGroup();
        long grandchild = Os.pidIn(dir.resolve("child.pid"));
        await().atMost(DEADLINE).until(() -> !Os.groupExists(pgid) && !Os.processExists(grandchild));
        assertThat(ctx.texts("pier")).anyMatch(l -> l.startsWith("timed out after 1s; stopping process group " + pgid));
        assertThat(ctx.ended()).isEqualTo(1);
    }

    @Test
    void aGroupThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        Path s = Os.script(dir, "stubborn.sh", "trap '' TERM\nsleep 300 &\necho ready\nwait\nwait");
        CompletableFuture<ProcessGroupRunner.Result> run = runAsync(inv(s, LONG));
        await().atMost(DEADLINE).until(() -> ctx.saw("stdout", "ready"));
        long pgid = ctx.lastGroup();

        ctx.cancellation().cancel("operator asked");
        ProcessGroupRunner.Result r = run.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

        assertThat(r.cancelled()).isTrue();
        assertThat(r.exitCode()).isEqualTo(128 + 9);
        await().atMost(DEADLINE).until(() -> !Os.groupExists(pgid));
        assertThat(ctx.texts("pier")).anyMatch(l -> l.contains("sent SIGKILL"));
    }

    @Test
    void cancellationMidRunStopsTheGroupAndReportsCancelled() throws Exception {
        Path s = Os.script(dir, "wait.sh", BACKGROUND_SLEEP + "echo ready\nwait");
        CompletableFuture<ProcessGroupRunner.Result> run = runAsync(inv(s, LONG));
        await().atMost(DEADLINE).until(() -> ctx.saw("stdout", "ready"));
        long pgid = ctx.lastGroup();
        long grandchild = Os.pidIn(dir.resolve("child.pid"));

        ctx.cancellation().cancel("superseded");
        ProcessGroupRunner.Result r = run.get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

        assertThat(r.cancelled()).isTrue();
        assertThat(r.timedOut()).isFalse();
        await().atMost(DEADLINE).until(() -> !Os.groupExists(pgid) && !Os.processExists(grandchild));
        assertThat(ctx.texts("pier")).anyMatch(l -> l.startsWith("cancelled: superseded; stopping process group"));
    }

    @Test
    void aProcessLeftRunningByASuccessfulCommandIsStoppedWithItsGroup() throws Exception {
        Path s = Os.script(dir, "leave.sh", BACKGROUND_SLEEP + "exit 0");
        ProcessGroupRunner.Result r = runner.run(inv(s, LONG), ctx);

        assertThat(r.succeeded()).isTrue();
        long grandchild = Os.pidIn(dir.resolve("child.pid"));
        await().atMost(DEADLINE).until(() -> !Os.groupExists(ctx.lastGroup()) && !Os.processExists(grandchild));
        assertThat(ctx.texts("pier")).anyMatch(l -> l.contains("exited but left processes in group"));
    }

    @Test
    void aRunCancelledBeforeItStartsStartsNothing() throws Exception {
        Path s = Os.script(dir, "touch.sh", "touch ran");
        ctx.cancellation().cancel("early");

        ProcessGroupRunner.Result r = runner.run(inv(s, LONG), ctx);

        assertThat(r.cancelled()).isTrue();
        assertThat(r.exitCode()).isNull();
        assertThat(ctx.started()).isEmpty();
        assertThat(dir.resolve("ran")).doesNotExist();
    }

    @Test
    void aRelativeProgramIsFoundFromTheWorkingDirectoryAsExecvpWouldFindIt() throws Exception {
        Os.script(dir, "here.sh", "echo found");

        ProcessGroupRunner.Result r = runner.run(new ProcessGroupRunner.Invocation(
                List.of("./here.sh"), dir, Map.of(), LONG), ctx);

        assertThat(r.exitCode()).isZero();
        assertThat(ctx.texts("stdout")).containsExactly("found");
    }

    @Test
    void aMissingProgramIsReportedBeforeAnythingStarts() {
        assertThatThrownBy(() -> runner.run(new ProcessGroupRunner.Invocation(
                List.of("pier-no-such-program"), dir, Map.of(), LONG), ctx))
                .isInstanceOf(ProcessGroupRunner.NotStartedException.class)
                .hasMessageContaining("'pier-no-such-program' not found");
        assertThat(ctx.started()).isEmpty();
    }

    @Test
    void aVeryLongLineIsCutRatherThanHeldWhole() throws Exception {
        Path s = Os.script(dir, "long.sh", "head -c 100000 /dev/zero | tr '\\0' x\necho\necho after");
        ProcessGroupRunner.Result r = runner.run(inv(s, LONG), ctx);

        assertThat(r.exitCode()).isZero();
        assertThat(ctx.texts("stdout").get(0)).startsWith("xxx").contains("line cut at")
                .hasSizeLessThan(OutputPump.MAX_LINE_CHARS + 100);
        assertThat(ctx.texts("stdout")).endsWith("after");
    }
}

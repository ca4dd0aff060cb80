package dev.pier.deploy;

import static dev.pier.deploy.FakeQuantumCli.UNSUPPORTED;
import static dev.pier.deploy.FakeQuantumCli.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.config.DeployerSpec.Fallback;
import dev.pier.pipeline.DeployOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003's chain ({@code quantum-cli stacks update}, then {@code stack update}) against a fake
 * {@code quantum-cli} ({@link FakeQuantumCli}): which attempt runs, falls back, fails, times out or is cancelled.
 */
class CommandDeployerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final RecordingContext ctx = new RecordingContext();
    private final CommandDeployer deployer = new CommandDeployer(
            new ProcessGroupRunner(new OsProcessControl(), Duration.ofSeconds(2), 50));
    private FakeQuantumCli cli;

    @BeforeEach
    void fakeCli() throws Exception {
        cli = new FakeQuantumCli(dir);
    }

    @Test
    void whenStacksUpdateIsUnknownTheChainFallsBackToStackUpdateAndSucceeds() throws Exception {
        cli.install("echo 'Error: unknown command \"stacks\" for \"quantum-cli\"' >&2; exit 2", "echo updated; exit 0");

        DeployOutcome out = deployer.deploy(cli.seed003(UNSUPPORTED), ctx);

        assertThat(out).isEqualTo(
                new DeployOutcome.Succeeded("command 2/2: quantum-cli stack succeeded (fallback attempt 2)"));
        assertThat(cli.calls()).containsExactly(
                List.of("stacks", "update", "--stack", "pytoya-production", "--image", Fixtures.API),
                List.of("stack", "update", "--stack", "pytoya-production", "--image", Fixtures.API));
        assertThat(ctx.texts("pier"))
                .contains("command 1/2 failed (exit code 2 is in [2]); falling back to command 2/2");
        assertThat(ctx.texts("stderr")).contains("Error: unknown command \"stacks\" for \"quantum-cli\"");
    }

    @Test
    void anOutputPatternAloneIsEnoughToFallBack() throws Exception {
        cli.install("echo 'unknown command: stacks'; exit 1", "exit 0");

        DeployOutcome out = deployer.deploy(cli.seed003(new Fallback(List.of(), List.of("unknown command"))), ctx);

        assertThat(out).isInstanceOf(DeployOutcome.Succeeded.class);
        assertThat(cli.calls()).hasSize(2);
        assertThat(ctx.texts("pier")).anyMatch(l -> l.contains("exit code 1, output matches /unknown command/"));
    }

    @Test
    void theFirstAttemptThatSucceedsEndsTheChain() throws Exception {
        cli.install("exit 0", "exit 0");

        assertThat(deployer.deploy(cli.seed003(UNSUPPORTED), ctx))
                .isEqualTo(new DeployOutcome.Succeeded("command 1/2: quantum-cli stacks succeeded"));
        assertThat(cli.calls()).hasSize(1);
    }

    @Test
    void aFailureThatDoesNotMatchTheFallbackStopsTheChain() throws Exception {
        cli.install("echo 'permission denied' >&2; exit 1", "touch '" + dir + "/second-ran'; exit 0");

        DeployOutcome out = deployer.deploy(cli.seed003(UNSUPPORTED), ctx);

        assertThat(out).isEqualTo(new DeployOutcome.Failed("deploy_failed", "command 1/2: quantum-cli stacks", 1,
                "command 1/2: quantum-cli stacks exited with code 1"));
        assertThat(cli.calls()).hasSize(1);
        assertThat(dir.resolve("second-ran")).doesNotExist();
    }

    @Test
    void aFailureOfTheLastAttemptFailsTheDeploy() throws Exception {
        cli.install("exit 2", "exit 5");

        DeployOutcome out = deployer.deploy(cli.seed003(UNSUPPORTED), ctx);

        assertThat(out).isEqualTo(new DeployOutcome.Failed("deploy_failed", "command 2/2: quantum-cli stack", 5,
                "command 2/2: quantum-cli stack exited with code 5"));
    }

    @Test
    void theTimeoutCoversTheWholeChainAndStopsTheHangingGroupWithItsGrandchild() throws Exception {
        cli.install("exit 2", "sleep 300 & echo $! > '" + dir + "/child.tmp'; mv '" + dir + "/child.tmp' '"
                + dir + "/child.pid'; wait");

        DeployOutcome out = deployer.deploy(cli.request(Duration.ofSeconds(3), Map.of(), step("stacks", UNSUPPORTED),
                step("stack", null)), ctx);

        assertThat(out).isEqualTo(new DeployOutcome.Failed("timed_out", "command 2/2: quantum-cli stack", null,
                "the command chain did not finish within 3s"));
        // Attempt 2 got only what attempt 1 left of the three seconds, not three seconds of its own.
        assertThat(ctx.texts("pier")).anyMatch(l -> l.matches("timed out after \\d+ms; stopping process group \\d+.*"));
        long pgid = ctx.lastGroup();
        long grandchild = Os.pidIn(dir.resolve("child.pid"));
        await().atMost(DEADLINE).until(() -> !Os.groupExists(pgid) && !Os.processExists(grandchild));
    }

    @Test
    void cancellationMidRunReturnsCancelledAndLeavesNoProcess() throws Exception {
        cli.install("echo ready; sleep 300 & wait", "touch '" + dir + "/second-ran'");
        CompletableFuture<DeployOutcome> run =
                CompletableFuture.supplyAsync(() -> deployer.deploy(cli.seed003(UNSUPPORTED), ctx));
        await().atMost(DEADLINE).until(() -> ctx.saw("stdout", "ready"));
        long pgid = ctx.lastGroup();

        ctx.cancellation().cancel("cancelled by alice");

        assertThat(run.get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(new DeployOutcome.Cancelled("cancelled by alice"));
        await().atMost(DEADLINE).until(() -> !Os.groupExists(pgid));
        assertThat(dir.resolve("second-ran")).doesNotExist();
        assertThat(ctx.ended()).isEqualTo(ctx.started().size());
    }
}

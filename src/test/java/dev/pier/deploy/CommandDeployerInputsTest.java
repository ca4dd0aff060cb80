package dev.pier.deploy;

import static dev.pier.deploy.FakeQuantumCli.SECRET;
import static dev.pier.deploy.FakeQuantumCli.UNSUPPORTED;
import static dev.pier.deploy.FakeQuantumCli.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.DeployerSpec.CommandStep;
import dev.pier.config.DeployerSpec.EnvValue;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.PlannedCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command deployer gives its processes and shows in plans: rendered argv, environment, secrets,
 * release files, and what stops it before anything runs. Uses the fake {@code quantum-cli} ({@link FakeQuantumCli}).
 */
class CommandDeployerInputsTest {

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
    void secretsReachTheChildsEnvironmentButNeitherItsArgvNorThePlanNorTheLog() throws Exception {
        cli.install("exit 0", "exit 0");
        Map<String, EnvValue> env = Map.of("QUANTUM_TOKEN", new EnvValue.Secret("quantum_token"),
                "STACK", new EnvValue.Literal("{{app}}-{{env}}"));
        DeployRequest req = cli.request(Duration.ofSeconds(30), env, step("stacks", UNSUPPORTED));

        List<PlannedCommand> plan = deployer.plan(req);
        DeployOutcome out = deployer.deploy(req, ctx);

        assertThat(out).isInstanceOf(DeployOutcome.Succeeded.class);
        List<String> childEnv = Files.readAllLines(dir.resolve("env.txt"));
        assertThat(childEnv).contains("QUANTUM_TOKEN=" + SECRET, "STACK=pytoya-production", "PIER_APP=pytoya",
                "PIER_ENV=production", "PIER_RUN_ID=run-42",
                "PIER_RELEASE_FILE=" + dir.resolve("work/release.json"),
                "PIER_VALUES_FILE=" + dir.resolve("work/values.yaml"));
        assertThat(Files.readString(dir.resolve("calls"))).doesNotContain(SECRET);
        assertThat(plan.toString()).doesNotContain(SECRET);
        assertThat(plan.get(0).env()).containsEntry("QUANTUM_TOKEN", "***").containsEntry("STACK", "pytoya-production");
        assertThat(ctx.all()).doesNotContain(SECRET);
    }

    @Test
    void theReleaseFilesExistBeforeTheFirstCommandRuns() throws Exception {
        cli.install("grep -q '\"run_id\" : \"run-42\"' \"$PIER_RELEASE_FILE\" && grep -qF 'image: \"" + Fixtures.API
                + "\"' \"$PIER_VALUES_FILE\"", "exit 0");

        assertThat(deployer.deploy(cli.seed003(null), ctx)).isInstanceOf(DeployOutcome.Succeeded.class);
    }

    @Test
    void thePlanShowsRenderedArgvAndWhenEachAttemptFallsBackWithoutRunningAnything() throws Exception {
        cli.install("exit 0", "exit 0");

        List<PlannedCommand> plan = deployer.plan(cli.seed003(UNSUPPORTED));

        assertThat(plan).extracting(PlannedCommand::argv).containsExactly(
                List.of("quantum-cli", "stacks", "update", "--stack", "pytoya-production", "--image", Fixtures.API),
                List.of("quantum-cli", "stack", "update", "--stack", "pytoya-production", "--image", Fixtures.API));
        assertThat(plan.get(0).note()).isEqualTo(
                "attempt 1/2; fallback when exit code in [2] or output matches /unknown command/");
        assertThat(plan.get(1).note()).isEqualTo("attempt 2/2; last: a failure fails the deploy");
        assertThat(plan.get(0).workdir()).isEqualTo(dir);
        assertThat(cli.calls()).isEmpty();
        assertThat(dir.resolve("work/release.json")).doesNotExist();
    }

    @Test
    void aSecretTheRunWasNotGivenStopsTheDeployBeforeAnythingRuns() throws Exception {
        cli.install("exit 0", "exit 0");
        DeployRequest req = cli.request(Duration.ofSeconds(30), Map.of("T", new EnvValue.Secret("missing")),
                step("stacks", null));

        DeployOutcome out = deployer.deploy(req, ctx);

        assertThat(out).isEqualTo(new DeployOutcome.Failed("not_started", "prepare command", null,
                "secret 'missing' for T was not provided to this run"));
        assertThat(cli.calls()).isEmpty();
    }

    @Test
    void anUnknownTemplateVariableStopsTheDeployNamingIt() throws Exception {
        cli.install("exit 0", "exit 0");
        DeployRequest req = cli.request(Duration.ofSeconds(30), Map.of(),
                new CommandStep(List.of("quantum-cli", "stacks", "{{images.cron}}"), null));

        DeployOutcome out = deployer.deploy(req, ctx);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("not_started");
            assertThat(f.summary()).contains("{{images.cron}}");
        });
        assertThat(cli.calls()).isEmpty();
    }

    @Test
    void aProgramThatIsNotInstalledFailsAsNotStarted() {
        DeployRequest req = cli.request(Duration.ofSeconds(30), Map.of(),
                new CommandStep(List.of("pier-no-such-cli", "up"), null));

        DeployOutcome out = deployer.deploy(req, ctx);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("not_started");
            assertThat(f.step()).isEqualTo("command 1/1: pier-no-such-cli up");
        });
    }
}

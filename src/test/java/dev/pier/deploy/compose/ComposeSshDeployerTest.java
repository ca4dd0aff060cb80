package dev.pier.deploy.compose;

import static dev.pier.deploy.compose.ComposeFixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.config.DeployerSpec;
import dev.pier.deploy.RecordingContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.ssh.AuthorizedKeysLine;
import dev.pier.ssh.DeployKeys;
import dev.pier.ssh.SshdServer;
import dev.pier.ssh.SshdServer.FakeCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compose-ssh deployer against a real OpenSSH server ({@link SshdServer}: real SSH, SFTP, file modes, signals,
 * dropped connections; a fake {@code docker} that records what it was asked and the files it saw).
 */
class ComposeSshDeployerTest {

    @RegisterExtension
    static final SshdServer SSHD = new SshdServer();

    @TempDir
    Path home;

    private ComposeSshDeployer deployer;
    private Path remote;

    @BeforeEach
    void setUp() throws Exception {
        DeployKeys keys = DeployKeys.under(home);
        SSHD.authorize(AuthorizedKeysLine.of(keys.generate("deploy").publicLine(), AuthorizedKeysLine.Options.MODERN,
                null));
        SSHD.psOutput(ComposeFixtures.NDJSON_OK);
        deployer = new ComposeSshDeployer(home, (bundle, dir) -> {
            throw new AssertionError("no bundle in these tests");
        });
        remote = SSHD.remoteRoot().resolve("quantum");
    }

    private DeployerSpec.ComposeSsh spec() {
        return spec(Duration.ofSeconds(60));
    }

    private DeployerSpec.ComposeSsh spec(Duration timeout) {
        return ComposeFixtures.spec(ComposeFixtures.target(SSHD, List.of(SSHD.knownHostsLine()), false),
                remote.toString(), timeout, Duration.ofSeconds(2));
    }

    private DeployOutcome deploy(String runId, DeployerSpec.ComposeSsh spec, RecordingContext rec) {
        DeployRequest request = ComposeFixtures.request(runId, spec, ComposeFixtures.release(ComposeFixtures.APP_DIGEST),
                home.resolve("work"));
        return deployer.deploy(request, rec);
    }

    private FakeCall call(String verb) {
        return SSHD.calls().stream().filter(c -> c.verb().equals(verb)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("docker compose " + verb + " never ran: " + SSHD.calls()));
    }

    @Test
    void deploys_app_and_redis_with_the_secret_only_in_a_0600_env_file_that_is_gone_afterwards() throws Exception {
        RecordingContext rec = new RecordingContext();
        DeployOutcome outcome = deploy("r1", spec(), rec);

        assertThat(outcome).as(rec.all()).isInstanceOf(DeployOutcome.Succeeded.class);
        assertThat(SSHD.calls()).extracting(FakeCall::verb).containsExactly("pull", "up", "ps");
        Path release = remote.resolve("releases/r1");
        String envHash = ComposeFixtures.sha256(ComposeFixtures.expectedEnvFile());
        assertThat(call("up").files()).contains("600 " + envHash + " " + release.resolve("secrets.env"));
        assertThat(call("up").lines()).contains("dir 700 " + release);
        assertThat(call("up").args()).containsSubsequence("up", "-d", "--remove-orphans", "--wait", "--wait-timeout", "2")
                .contains("--env-file", release.resolve("secrets.env").toString(), "-p", "demo");
        assertThat(release.resolve("secrets.env")).doesNotExist();

        String compose = Files.readString(release.resolve("compose.yaml"));
        assertThat(compose).contains("image: ghcr.io/acme/quantum/app@" + ComposeFixtures.APP_DIGEST,
                "image: docker.io/library/redis@" + ComposeFixtures.REDIS_DIGEST, "# Rendered by Pier for run r1")
                .doesNotContain(SECRET);
        assertThat(Files.readString(remote.resolve("history"))).isEqualTo("r1\n");
        assertThat(Files.readSymbolicLink(remote.resolve("current"))).isEqualTo(Path.of("releases/r1"));
        assertThat(rec.steps()).extracting(RecordingContext.StepRecord::name).containsExactly("connect", "pull", "up", "ps");
        assertThat(rec.steps()).allMatch(s -> "succeeded".equals(s.outcome()));
        assertThat(rec.steps().get(2).argv().subList(1, rec.steps().get(2).argv().size()))
                .isEqualTo(call("up").args());
        assertThat(rec.all() + rec.steps()).doesNotContain(SECRET).contains("service redis: running (healthy)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"array", "ndjson"})
    void reads_health_from_either_ps_shape_and_fails_on_an_unhealthy_service(String shape) {
        String bad = shape.equals("array")
                ? "[{\"Service\":\"app\",\"State\":\"running\",\"Health\":\"\"},"
                + "{\"Service\":\"redis\",\"State\":\"running\",\"Health\":\"unhealthy\"}]"
                : "{\"Service\":\"app\",\"State\":\"exited\",\"ExitCode\":3}\n"
                + "{\"Service\":\"redis\",\"State\":\"running\",\"Health\":\"healthy\"}\n";
        SSHD.psOutput(bad);
        RecordingContext rec = new RecordingContext();
        DeployOutcome outcome = deploy("r1", spec(), rec);

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("unhealthy");
            assertThat(f.summary()).contains(shape.equals("array") ? "redis is running (unhealthy)"
                    : "app is exited, exit code 3");
        });
        assertThat(remote.resolve("releases/r1")).doesNotExist();
        assertThat(remote.resolve("history")).doesNotExist();
    }

    @Test
    void a_failing_up_fails_the_run_removes_the_env_file_and_keeps_the_history() {
        assertThat(deploy("r1", spec(), new RecordingContext())).isInstanceOf(DeployOutcome.Succeeded.class);
        SSHD.behave("up", "fail");
        RecordingContext rec = new RecordingContext();
        DeployOutcome outcome = deploy("r2", spec(), rec);

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("deploy_failed");
            assertThat(f.step()).isEqualTo("up");
            assertThat(f.exitCode()).isEqualTo(18);
            assertThat(f.summary()).contains("`docker compose up` exited with code 18");
        });
        assertThat(call("up").files()).anyMatch(f -> f.startsWith("600 ") && f.endsWith("releases/r2/secrets.env"));
        assertThat(remote.resolve("releases/r2")).doesNotExist();
        assertThat(remote.resolve("releases/r1/compose.yaml")).exists();
        assertThat(remote.resolve("history")).hasContent("r1");
        assertThat(rec.all()).contains("manifest unknown", "removed the env file and the release directory");
        assertThat(rec.steps().get(2).outcome()).isEqualTo("failed");
    }

    @Test
    void a_hanging_up_is_stopped_at_the_timeout_on_the_server_too() {
        SSHD.behave("up", "hang");
        RecordingContext rec = new RecordingContext();
        DeployOutcome outcome = deploy("r1", spec(Duration.ofSeconds(6)), rec);

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("timed_out");
            assertThat(f.step()).isEqualTo("up");
        });
        assertThat(SSHD.state().resolve("up.started")).exists();
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(SSHD.state().resolve("up.terminated")));
        assertThat(remote.resolve("releases/r1")).doesNotExist();
        assertThat(rec.steps().get(2).outcome()).isEqualTo("timed_out");
    }

    @Test
    void a_connection_dropped_mid_deploy_fails_the_run_and_a_new_connection_removes_the_env_file() {
        SSHD.behave("up", "drop");
        RecordingContext rec = new RecordingContext();
        DeployOutcome outcome = deploy("r1", spec(), rec);

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("connection_lost");
            assertThat(f.summary()).contains("dropped during up").doesNotContain("could not remove");
        });
        assertThat(SSHD.state().resolve("up.dropped")).exists();
        assertThat(remote.resolve("releases/r1")).doesNotExist();
        assertThat(rec.all()).contains("reconnecting once to remove the env file", "removed the env file");
    }

    @Test
    void when_even_the_reconnect_fails_the_report_says_the_env_file_is_left() throws Exception {
        SSHD.behave("up", "drop-locked");
        RecordingContext rec = new RecordingContext();
        DeployOutcome outcome = deploy("r1", spec(), rec);

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> assertThat(f.summary())
                .contains("dropped during up", "could not remove the env file and the release directory",
                        "it holds secrets: remove it by hand"));
        assertThat(remote.resolve("releases/r1/secrets.env")).exists();

        // The next deploy (with the key authorized again) sweeps it before doing anything else.
        SSHD.authorize(AuthorizedKeysLine.of(DeployKeys.under(home).show("deploy").publicLine(),
                AuthorizedKeysLine.Options.MODERN, null));
        SSHD.behave("up", "ok");
        RecordingContext next = new RecordingContext();
        assertThat(deploy("r2", spec(), next)).isInstanceOf(DeployOutcome.Succeeded.class);
        assertThat(next.all()).contains("removed " + remote.resolve("releases/r1/secrets.env"));
        assertThat(remote.resolve("releases/r1/secrets.env")).doesNotExist();
    }

    @Test
    void a_changed_host_key_is_refused_naming_its_fingerprint_and_nothing_runs() throws Exception {
        String pinned = SSHD.knownHostsLine();
        SSHD.changeHostKey();
        DeployerSpec.ComposeSsh spec = ComposeFixtures.spec(ComposeFixtures.target(SSHD, List.of(pinned), false),
                remote.toString(), Duration.ofSeconds(60), Duration.ofSeconds(2));
        RecordingContext rec = new RecordingContext();
        DeployOutcome outcome = deploy("r1", spec, rec);

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("not_started");
            assertThat(f.step()).isEqualTo("connect");
            assertThat(f.summary()).contains("host key mismatch", "the server presented ED25519 SHA256:",
                    "nothing was run");
        });
        assertThat(SSHD.calls()).isEmpty();
        assertThat(remote).doesNotExist();
    }

    @Test
    void trust_on_first_use_only_when_enabled() {
        DeployerSpec.ComposeSsh off = ComposeFixtures.spec(ComposeFixtures.target(SSHD, List.of(), false),
                remote.toString(), Duration.ofSeconds(60), Duration.ofSeconds(2));
        assertThat(deploy("r1", off, new RecordingContext())).isInstanceOfSatisfying(DeployOutcome.Failed.class,
                f -> assertThat(f.summary()).contains("unknown host key"));

        DeployerSpec.ComposeSsh on = ComposeFixtures.spec(ComposeFixtures.target(SSHD, List.of(), true),
                remote.toString(), Duration.ofSeconds(60), Duration.ofSeconds(2));
        RecordingContext rec = new RecordingContext();
        assertThat(deploy("r2", on, rec)).isInstanceOf(DeployOutcome.Succeeded.class);
        assertThat(rec.all()).contains("WARNING: trust_on_first_use: accepted the unknown host key");
        assertThat(home.resolve("known_hosts")).hasContent(SSHD.knownHostsLine());
    }

    @Test
    void a_key_the_server_does_not_authorize_is_refused_clearly() {
        SSHD.authorize("");
        DeployOutcome outcome = deploy("r1", spec(), new RecordingContext());
        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.step()).isEqualTo("connect");
            assertThat(f.summary()).contains("refused deploy key 'deploy' (SHA256:", "pier keys show deploy");
        });
        assertThat(SSHD.calls()).isEmpty();
    }

    @Test
    void cancelling_closes_the_command_and_removes_the_env_file() {
        SSHD.behave("up", "hang");
        RecordingContext rec = new RecordingContext();
        Thread.ofVirtual().start(() -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(SSHD.state().resolve("up.started")));
            rec.cancellation().cancel("cancelled by test");
        });
        DeployOutcome outcome = deploy("r1", spec(), rec);

        assertThat(outcome).isInstanceOfSatisfying(DeployOutcome.Cancelled.class,
                c -> assertThat(c.reason()).isEqualTo("cancelled by test"));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(SSHD.state().resolve("up.terminated")));
        assertThat(remote.resolve("releases/r1")).doesNotExist();
        assertThat(rec.steps().get(2).outcome()).isEqualTo("cancelled");
    }

    @Test
    void rollback_redeploys_the_previous_release_kept_compose_and_pops_the_history() throws Exception {
        DeployerSpec.ComposeSsh spec = spec();
        assertThat(deploy("r1", spec, new RecordingContext())).isInstanceOf(DeployOutcome.Succeeded.class);
        DeployRequest second = ComposeFixtures.request("r2", spec, ComposeFixtures.release("sha256:" + "c".repeat(64)),
                home.resolve("work"));
        assertThat(deployer.deploy(second, new RecordingContext())).isInstanceOf(DeployOutcome.Succeeded.class);
        String r1Compose = Files.readString(remote.resolve("releases/r1/compose.yaml"));

        var plan = deployer.planRollback(second.environment(), (s, t) -> { });
        assertThat(plan.current()).isEqualTo("r2");
        assertThat(plan.target()).isEqualTo("r1");
        assertThat(plan.release().images().get("app").digest()).isEqualTo(ComposeFixtures.APP_DIGEST);

        RecordingContext rec = new RecordingContext();
        DeployRequest rollback = ComposeFixtures.request("r3", spec, plan.release(), home.resolve("work"));
        assertThat(deployer.rollbackTo(plan).deploy(rollback, rec)).as(rec.all())
                .isInstanceOfSatisfying(DeployOutcome.Succeeded.class,
                        s -> assertThat(s.detail()).contains("rolled back from r2 to release r1"));
        assertThat(call("up").args()).contains(remote.resolve("releases/r1/compose.yaml").toString());
        assertThat(call("up").files()).anyMatch(f -> f.startsWith("600 ") && f.endsWith("releases/r1/secrets.env"));
        assertThat(remote.resolve("releases/r1/compose.yaml")).hasContent(r1Compose);
        assertThat(remote.resolve("releases/r1/secrets.env")).doesNotExist();
        assertThat(remote.resolve("releases/r3")).doesNotExist();
        assertThat(remote.resolve("history")).hasContent("r1");
        assertThat(Files.readSymbolicLink(remote.resolve("current"))).isEqualTo(Path.of("releases/r1"));
    }
}

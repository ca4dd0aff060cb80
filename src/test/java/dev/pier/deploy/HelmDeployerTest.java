package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.DeployerSpec;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.PlannedCommand;
import dev.pier.pipeline.Release;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * There is no real {@code helm} on the build machine: these tests run a fake {@code helm}, a bash script
 * in a temp directory that appends its argv to {@code helm.calls}, answers {@code helm version} with a
 * chosen string and exits with a chosen code otherwise. They prove the exact argv Pier builds, not Helm.
 */
class HelmDeployerTest {

    private static final Path COMMON = Path.of("/etc/pier/pytoya/common.yaml");
    private static final Path PROD = Path.of("/etc/pier/pytoya/production.yaml");
    private static final Path KUBECONFIG = Path.of("/etc/pier/kube/production.yaml");

    @TempDir
    Path dir;

    private final RecordingContext ctx = new RecordingContext();
    private final ProcessGroupRunner runner = new ProcessGroupRunner(new OsProcessControl(), Duration.ofSeconds(2), 50);

    private Path fakeHelm(String version, int upgradeExit) {
        return Os.script(dir, "helm", Os.recordArgv(dir.resolve("helm.calls"))
                + "if [ \"$1\" = version ]; then printf '%s' '" + version + "'; exit 0; fi\n"
                + "echo \"KUBECONFIG=${KUBECONFIG:-}\" > '" + dir + "/helm.env'\n"
                + "echo 'Release \"pytoya\" has been upgraded.'\nexit " + upgradeExit);
    }

    private static Map<String, String> allImages() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("api", "api.image");
        m.put("web", "web.image");
        m.put("worker", "worker.image");
        return m;
    }

    private DeployRequest request(String binary, Map<String, String> imageValues, Release release) {
        DeployerSpec.Helm spec = new DeployerSpec.Helm(binary, "pytoya", "pytoya-prod", List.of(COMMON, PROD),
                imageValues, KUBECONFIG, "prod-cluster", Duration.ofMinutes(10), Map.of());
        return Fixtures.request(spec, dir.resolve("work"), release, Map.of());
    }

    private DeployRequest request(Path binary) {
        return request(binary.toString(), allImages(), Fixtures.release());
    }

    private List<List<String>> calls() {
        return Os.recordedArgv(dir.resolve("helm.calls"));
    }

    private static List<String> upgrade(String rollbackFlag, String... setStrings) {
        List<String> argv = new ArrayList<>(List.of("upgrade", "--install", "pytoya", Fixtures.CHART,
                "--version", "0.1.0-abcdef123456", "--namespace", "pytoya-prod",
                "--values", COMMON.toString(), "--values", PROD.toString(),
                rollbackFlag, "--wait", "--timeout", "600s", "--kube-context", "prod-cluster"));
        for (String s : setStrings) {
            argv.addAll(List.of("--set-string", s));
        }
        return argv;
    }

    private static final List<String> VERSION = List.of("version", "--template", "{{.Version}}");

    @Test
    void helm3GetsTheExactUpgradeArgvWithAtomic() throws Exception {
        Path helm = fakeHelm("v3.15.2", 0);

        DeployOutcome out = new HelmDeployer(runner).deploy(request(helm), ctx);

        assertThat(out).isEqualTo(
                new DeployOutcome.Succeeded("helm upgrade --install pytoya succeeded in namespace pytoya-prod"));
        assertThat(calls()).containsExactly(VERSION, upgrade("--atomic",
                "api.image=" + Fixtures.API, "web.image=" + Fixtures.WEB, "worker.image=" + Fixtures.API));
        assertThat(ctx.texts("pier")).contains("helm v3.15.2: using --atomic");
        assertThat(ctx.texts("stdout")).contains("Release \"pytoya\" has been upgraded.");
    }

    @Test
    void helm4GetsRollbackOnFailureInsteadOfAtomic() throws Exception {
        Path helm = fakeHelm("v4.0.1", 0);

        List<PlannedCommand> plan = new HelmDeployer(runner).plan(request(helm));

        List<String> expected = new ArrayList<>(List.of(helm.toString()));
        expected.addAll(upgrade("--rollback-on-failure",
                "api.image=" + Fixtures.API, "web.image=" + Fixtures.WEB, "worker.image=" + Fixtures.API));
        assertThat(plan).singleElement().satisfies(p -> {
            assertThat(p.argv()).isEqualTo(expected);
            assertThat(p.note()).isEqualTo("Helm v4.0.1: --rollback-on-failure");
            assertThat(p.env()).containsEntry("KUBECONFIG", KUBECONFIG.toString());
        });
    }

    @Test
    void aWorkerThatDefaultedToTheApiImageStillGetsItsOwnSetString() throws Exception {
        Path helm = fakeHelm("v3.15.2", 0);
        Map<String, String> workerOnly = Map.of("worker", "worker.image.ref");

        new HelmDeployer(runner).deploy(request(helm.toString(), workerOnly, Fixtures.release()), ctx);

        assertThat(calls().get(1)).endsWith("--set-string", "worker.image.ref=" + Fixtures.API)
                .containsOnlyOnce("--set-string");
    }

    @Test
    void versionDetectionIsLazyAndRunsOncePerBinary() throws Exception {
        Path helm = fakeHelm("v3.15.2", 0);
        HelmDeployer deployer = new HelmDeployer(runner);
        assertThat(calls()).isEmpty();

        deployer.plan(request(helm));
        deployer.deploy(request(helm), ctx);
        deployer.deploy(request(helm), new RecordingContext());

        assertThat(calls()).filteredOn(c -> c.get(0).equals("version")).hasSize(1);
        assertThat(calls()).filteredOn(c -> c.get(0).equals("upgrade")).hasSize(2);
    }

    @Test
    void anUnreadableVersionAssumesHelm3AndSaysSo() throws Exception {
        Path helm = fakeHelm("not a version", 0);

        DeployOutcome out = new HelmDeployer(runner).deploy(request(helm), ctx);

        assertThat(out).isInstanceOf(DeployOutcome.Succeeded.class);
        assertThat(calls().get(1)).contains("--atomic").doesNotContain("--rollback-on-failure");
        assertThat(ctx.texts("pier")).anyMatch(l -> l.startsWith("warning: '" + helm + " version' printed no version")
                && l.endsWith("assuming Helm 3 (--atomic)"));
    }

    @Test
    void aMissingHelmBinaryFailsAsNotStartedAtTheVersionStep() {
        DeployOutcome onPath = new HelmDeployer(runner).deploy(
                request("pier-no-such-helm", allImages(), Fixtures.release()), ctx);
        DeployOutcome byPath = new HelmDeployer(runner).deploy(request(dir.resolve("nope/helm")), ctx);

        assertThat(onPath).isEqualTo(new DeployOutcome.Failed("not_started", "helm version", null,
                "helm binary 'pier-no-such-helm' not found on PATH"));
        assertThat(byPath).isEqualTo(new DeployOutcome.Failed("not_started", "helm version", null,
                "helm binary '" + dir.resolve("nope/helm") + "' not found or not executable"));
        assertThat(ctx.started()).isEmpty();
    }

    @Test
    void kubeconfigReachesHelmAsAnEnvironmentVariable() throws Exception {
        new HelmDeployer(runner).deploy(request(fakeHelm("v3.15.2", 0)), ctx);

        assertThat(Files.readString(dir.resolve("helm.env")).strip()).isEqualTo("KUBECONFIG=" + KUBECONFIG);
    }

    @Test
    void aFailedUpgradeReportsHelmsExitCode() {
        DeployOutcome out = new HelmDeployer(runner).deploy(request(fakeHelm("v3.15.2", 1)), ctx);

        assertThat(out).isEqualTo(new DeployOutcome.Failed("deploy_failed", "helm upgrade", 1,
                "helm upgrade --install pytoya exited with code 1"));
    }

    @Test
    void anImageReferenceThatHelmsSetParserWouldSplitIsRefused() throws Exception {
        Path helm = fakeHelm("v3.15.2", 0);
        Map<String, Release.ArtifactRef> images = new LinkedHashMap<>(Fixtures.release().images());
        images.put("web", Release.ArtifactRef.asGiven("ghcr.io/org/web:1,api.image=evil"));
        Release bad = new Release("pytoya", Fixtures.release().chart(), null, images);

        DeployOutcome out = new HelmDeployer(runner).deploy(request(helm.toString(), allImages(), bad), ctx);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo("not_started");
            assertThat(f.summary()).contains("'web'").contains("','");
        });
        assertThat(calls()).noneMatch(c -> c.get(0).equals("upgrade"));
        assertThatThrownBy(() -> new HelmDeployer(runner).plan(request(helm.toString(), allImages(), bad)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDigestPinnedChartIsInstalledFromTheVerifiedLocalFileWithoutVersion() throws Exception {
        Path helm = fakeHelm("v3.15.2", 0);
        Release.ChartRef chart = new Release.ChartRef(Fixtures.CHART, "0.1.0-abcdef123456", Fixtures.DIGEST);
        Release pinned = new Release("pytoya", chart, null, Fixtures.release().images());
        List<Release.ChartRef> fetched = new java.util.ArrayList<>();
        HelmDeployer deployer = new HelmDeployer(runner, (c, target) -> {
            fetched.add(c);
            java.nio.file.Files.writeString(target, "chart bytes");
        });

        DeployOutcome out = deployer.deploy(request(helm.toString(), Map.of(), pinned), ctx);

        assertThat(out).isInstanceOf(DeployOutcome.Succeeded.class);
        assertThat(fetched).containsExactly(chart);
        List<String> upgrade = calls().get(1);
        assertThat(upgrade.get(3)).endsWith("/" + HelmDeployer.PINNED_CHART); // after upgrade --install <release>
        assertThat(upgrade).doesNotContain("--version", Fixtures.CHART);
    }

    @Test
    void aPinnedChartThatCannotBeFetchedFailsBeforeHelmUpgradeRuns() throws Exception {
        Path helm = fakeHelm("v3.15.2", 0);
        Release pinned = new Release("pytoya", new Release.ChartRef(Fixtures.CHART, "0.1.0-abcdef123456",
                Fixtures.DIGEST), null, Fixtures.release().images());
        HelmDeployer deployer = new HelmDeployer(runner, (c, target) -> {
            throw new java.io.IOException("tried to pull chart but the registry has no such manifest");
        });

        DeployOutcome out = deployer.deploy(request(helm.toString(), Map.of(), pinned), ctx);

        assertThat(out).isInstanceOfSatisfying(DeployOutcome.Failed.class, f -> {
            assertThat(f.step()).isEqualTo("pull chart");
            assertThat(f.summary()).contains("no such manifest");
        });
        assertThat(calls()).noneMatch(c -> c.get(0).equals("upgrade"));
    }

    @Test
    void aVersionLineIsFoundEvenAfterHelmsWarnings() {
        assertThat(HelmVersions.parse(List.of("WARNING: Kubernetes configuration file is group-readable", "v4.1.0")))
                .hasValueSatisfying(v -> assertThat(v.major()).isEqualTo(4));
        assertThat(HelmVersions.parse(List.of("", "3.x"))).isEmpty();
    }
}

package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001's own example command against {@code examples/pytoya/pier.yaml}, through the packaged jar.
 * helm is the {@link FakeHelm} stand-in: no helm binary or Kubernetes cluster exists on this machine.
 */
class DeployContractIT {

    static final String CONFIG = PierProcess.ROOT.resolve("examples/pytoya/pier.yaml").toString();
    static final String CHART = "oci://ghcr.io/acme/charts/pytoya";
    static final String VERSION = "0.1.0-abcdef123456";
    static final String IMAGES = "{\"api\":\"ghcr.io/acme/pytoya/api:abcdef123456\","
            + "\"web\":\"ghcr.io/acme/pytoya/web:abcdef123456\"}";

    @TempDir
    Path dir;

    Node node;
    FakeHelm helm;

    @BeforeEach
    void setUp() {
        node = new Node(dir);
        helm = new FakeHelm(node, "v3.21.0");
    }

    static String[] seedExample(String... extra) {
        List<String> args = new ArrayList<>(List.of("deploy", "--config", CONFIG, "--app", "pytoya", "--chart", CHART,
                "--chart-version", VERSION, "--images", IMAGES));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void helm_receives_exactly_the_release_chart_values_and_one_set_string_per_image() {
        PierProcess.Result r = node.pier(seedExample());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        String values = PierProcess.ROOT.resolve("examples/pytoya/values/production.yaml").toAbsolutePath()
                .normalize().toString();
        assertThat(helm.upgrades()).singleElement().isEqualTo(List.of(
                "upgrade", "--install", "pytoya", CHART, "--version", VERSION, "--namespace", "pytoya",
                "--values", values, "--atomic", "--wait", "--timeout", "600s",
                "--set-string", "api.image=ghcr.io/acme/pytoya/api:abcdef123456",
                "--set-string", "web.image=ghcr.io/acme/pytoya/web:abcdef123456",
                "--set-string", "worker.image=ghcr.io/acme/pytoya/api:abcdef123456"));
        assertThat(r.stdout()).contains("succeeded: pytoya/production").contains("https://pytoya.acme.example");
        assertThat(r.stderr()).as("helm's output streams live").contains("Happy Helming!");
    }

    @Test
    void the_recorded_run_shows_the_signal_release_and_exact_helm_command() throws Exception {
        PierProcess.Result deploy = node.pier(seedExample("-o", "json"));
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        String id = new ObjectMapper().readTree(deploy.stdout()).get("id").asText();

        PierProcess.Result shown = node.pier("run", id, "-o", "json");

        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        JsonNode run = new ObjectMapper().readTree(shown.stdout());
        assertThat(run.get("status").asText()).isEqualTo("succeeded");
        assertThat(run.get("app").asText()).isEqualTo("pytoya");
        assertThat(run.get("environment").asText()).isEqualTo("production");
        assertThat(run.get("deployer").asText()).isEqualTo("helm");
        assertThat(run.get("deployed_url").asText()).isEqualTo("https://pytoya.acme.example");
        assertThat(run.at("/signal/images").asText()).isEqualTo(IMAGES);
        assertThat(run.at("/signal/chart").asText()).isEqualTo(CHART);
        assertThat(run.at("/release/chart/version").asText()).isEqualTo(VERSION);
        assertThat(run.at("/release/images/worker/deploy").asText()).isEqualTo("ghcr.io/acme/pytoya/api:abcdef123456");
        assertThat(run.at("/release/images/worker/defaulted_from").asText()).isEqualTo("api");
        List<String> argv = new ArrayList<>();
        run.at("/steps/0/argv").forEach(a -> argv.add(a.asText()));
        assertThat(argv).containsSubsequence("upgrade", "--install", "pytoya", CHART, "--version", VERSION,
                "--namespace", "pytoya", "--values");
        assertThat(argv).contains("worker.image=ghcr.io/acme/pytoya/api:abcdef123456");
        assertThat(run.at("/steps/0/exit_code").asInt()).isZero();
        assertThat(run.get("history")).extracting(h -> h.get("to").asText())
                .containsExactly("queued", "deploying", "succeeded");
        assertThat(run.get("log").toString()).contains("Happy Helming!");
    }

    @Test
    void dry_run_prints_the_exact_helm_command_and_deploys_nothing() {
        PierProcess.Result r = node.pier(seedExample("--dry-run"));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("helm upgrade --install pytoya " + CHART + " --version " + VERSION)
                .contains("--set-string worker.image=ghcr.io/acme/pytoya/api:abcdef123456");
        assertThat(helm.upgrades()).isEmpty();
        assertThat(node.pier("runs").stdout()).contains("no runs");
    }

    @Test
    void a_failing_helm_fails_the_run_with_an_error_report_and_exit_code_1() throws Exception {
        helm.behave("echo 'Error: UPGRADE FAILED: timed out waiting for the condition' >&2; exit 1");

        PierProcess.Result r = node.pier(seedExample("-o", "json"));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        JsonNode run = new ObjectMapper().readTree(r.stdout());
        assertThat(run.get("status").asText()).isEqualTo("failed");
        assertThat(run.at("/error/exit_code").asInt()).isEqualTo(1);
        assertThat(run.at("/error/log_tail").toString()).contains("UPGRADE FAILED");
        assertThat(run.at("/error/summary").asText()).isNotBlank();
    }

    @Test
    void an_upper_case_path_in_the_example_is_refused_with_the_reason() {
        PierProcess.Result r = node.pier("deploy", "--config", CONFIG, "--app", "pytoya", "--chart",
                "oci://ghcr.io/ACME/charts/pytoya", "--chart-version", VERSION, "--images", IMAGES);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("--chart").containsIgnoringCase("upper-case");
        assertThat(helm.calls()).isEmpty();
    }
}

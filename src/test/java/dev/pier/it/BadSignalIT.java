package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad deploy signals through the packaged jar, against {@code examples/pytoya/pier.yaml}: each is refused
 * with exit 2 and a message naming the argument, before anything runs: the (fake) helm is never invoked,
 * not even {@code helm version}, and no run is recorded. One pier process per signal, so the table is kept
 * to the cases that matter: look-alike registries, malformed references and JSON, and injection attempts in
 * every argument.
 */
class BadSignalIT {

    static final String CONFIG = DeployContractIT.CONFIG;
    static final String CHART = DeployContractIT.CHART;
    static final String VERSION = DeployContractIT.VERSION;
    static final String API = "ghcr.io/acme/pytoya/api:abcdef123456";
    static final String WEB = "ghcr.io/acme/pytoya/web:abcdef123456";
    static final String SHA = "a".repeat(64);

    // One node for the whole table: the helm call log and the store then also show that no case left
    // anything behind for a later one.
    @TempDir
    static Path dir;

    static Node node;
    static FakeHelm helm;

    @BeforeAll
    static void setUp() {
        node = new Node(dir);
        helm = new FakeHelm(node, "v3.21.0");
    }

    static String images(String api, String web) {
        return "{\"api\":\"" + api + "\",\"web\":\"" + web + "\"}";
    }

    static Arguments bad(String name, String option, String value, String argument) {
        return arguments(name, option, value, argument);
    }

    static Stream<Arguments> signals() {
        return Stream.of(
                // Registries that only look like ghcr.io
                bad("chart registry ghcr.io.evil.com", "--chart", "oci://ghcr.io.evil.com/acme/charts/pytoya", "--chart"),
                bad("chart registry ghcr.io@evil.com", "--chart", "oci://ghcr.io@evil.com/acme/charts/pytoya", "--chart"),
                bad("image registry ghcr.io:443/../x", "--images", images("ghcr.io:443/../x:1", WEB), "--images.api"),
                bad("image registry evil.com/ghcr.io/acme", "--images",
                        images("evil.com/ghcr.io/acme/pytoya/api:1", WEB), "--images.api"),
                bad("image registry ghcr.io@evil.com", "--images", images("ghcr.io@evil.com/acme/pytoya/api:1", WEB),
                        "--images.api"),
                // Malformed references
                bad("upper-case image path", "--images", images("ghcr.io/ACME/pytoya/api:1", WEB), "--images.api"),
                bad("image without tag or digest", "--images", images("ghcr.io/acme/pytoya/api", WEB), "--images.api"),
                bad("digest of the wrong length", "--images", images("ghcr.io/acme/pytoya/api@sha256:abc123", WEB),
                        "--images.api"),
                bad("digest of an unknown algorithm", "--images",
                        images("ghcr.io/acme/pytoya/api@md5:" + "a".repeat(32), WEB), "--images.api"),
                // Malformed JSON and components
                bad("truncated JSON", "--images", "{\"api\":\"" + API + "\",", "--images"),
                bad("an array", "--images", "[\"" + API + "\",\"" + WEB + "\"]", "--images"),
                bad("duplicate key", "--images", "{\"api\":\"" + API + "\",\"api\":\"" + API + "\",\"web\":\"" + WEB
                        + "\"}", "--images"),
                bad("missing api", "--images", "{\"web\":\"" + WEB + "\"}", "--images.api"),
                bad("missing web", "--images", "{\"api\":\"" + API + "\"}", "--images.web"),
                bad("unknown component", "--images", "{\"api\":\"" + API + "\",\"web\":\"" + WEB
                        + "\",\"cron\":\"ghcr.io/acme/pytoya/cron:1\"}", "--images"),
                bad("unknown app", "--app", "nope", "--app"),
                bad("chart version not SemVer", "--chart-version", "latest", "--chart-version"),
                // Injection attempts, one in every argument
                bad("--app with ;", "--app", "pytoya;touch pwned", "--app"),
                bad("--env with $()", "--env", "production$(touch pwned)", "--env"),
                bad("--env with a newline and --set", "--env", "production\n--set x=y", "--env"),
                bad("--chart with backticks", "--chart", "oci://ghcr.io/acme/charts/pytoya`touch pwned`", "--chart"),
                bad("--chart with --set", "--chart", CHART + " --set x=y", "--chart"),
                bad("--chart-version with ;", "--chart-version", VERSION + ";touch pwned", "--chart-version"),
                bad("--chart-version with --set", "--chart-version", VERSION + " --set x=y", "--chart-version"),
                bad("--images key with $()", "--images", "{\"api\":\"" + API + "\",\"web\":\"" + WEB
                        + "\",\"$(touch pwned)\":\"" + API + "\"}", "--images"),
                bad("--images value with $()", "--images", images(API + "$(touch pwned)", WEB), "--images.api"),
                bad("--images value with backticks", "--images", images(API, WEB + "`touch pwned`"), "--images.web"),
                bad("--images value with a newline and --set", "--images", images(API + "\\n--set x=y", WEB),
                        "--images.api"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signals")
    void a_bad_signal_is_refused_before_anything_runs(String name, String option, String value, String argument) {
        // Compared with before this case, so one case that gets through does not fail all later ones.
        int helmCalls = helm.calls().size();
        long runs = node.count("SELECT count(*) FROM runs");

        PierProcess.Result r = node.pier(args(option, value));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        // Each violation is a line "  ARGUMENT: message [rule]"; images are named per component.
        assertThat(r.stderr()).as(r.toString()).containsPattern(
                Pattern.compile("(?m)^  " + Pattern.quote(argument) + "(\\.[^:\\s]+)?: "));
        assertThat(r.stdout()).as("nothing reports a run").doesNotContain("succeeded").doesNotContain("run ");
        assertThat(helm.calls()).as("helm invocations").hasSize(helmCalls);
        assertThat(node.count("SELECT count(*) FROM runs")).as("recorded runs").isEqualTo(runs);
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @AfterAll
    static void no_run_was_recorded_by_any_signal() {
        PierProcess.Result runs = node.pier("runs", "-o", "json");
        assertThat(runs.exitCode()).as(runs.toString()).isZero();
        assertThat(runs.stdout().strip()).isIn("[]", "[ ]");
        assertThat(helm.calls()).isEmpty();
    }

    /** The seed example with one option replaced (or added). */
    static String[] args(String option, String value) {
        List<String> args = new ArrayList<>(List.of("deploy", "--config", CONFIG, "--app", "pytoya", "--chart", CHART,
                "--chart-version", VERSION, "--images", images(API, WEB)));
        int at = args.indexOf(option);
        if (at < 0) {
            args.addAll(List.of(option, value));
        } else {
            args.set(at + 1, value);
        }
        return args.toArray(String[]::new);
    }
}

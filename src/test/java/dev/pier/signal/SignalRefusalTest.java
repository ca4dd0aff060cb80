package dev.pier.signal;

import static dev.pier.signal.SignalFixtures.BUNDLE;
import static dev.pier.signal.SignalFixtures.SEED_API;
import static dev.pier.signal.SignalFixtures.SEED_WEB;
import static dev.pier.signal.SignalFixtures.SHA;
import static dev.pier.signal.SignalFixtures.refused;
import static dev.pier.signal.SignalFixtures.seed;
import static dev.pier.signal.SignalFixtures.shopSignal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.pier.signal.SignalFixtures.Signal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN.md §4's bad references and seed 001's contract: each refusal names its argument and rule. */
class SignalRefusalTest {

    @ParameterizedTest
    @MethodSource({"appAndEnvironment", "charts", "chartVersions", "artifactModes", "imagesJson", "imageValues"})
    void refuses_with_the_argument_and_rule_at_fault(Signal signal, String argument, String rule, String message) {
        List<Violation> violations = refused(signal);

        assertThat(violations).as("exactly one violation").hasSize(1);
        Violation violation = violations.get(0);
        assertThat(violation.argument()).isEqualTo(argument);
        assertThat(violation.rule()).isEqualTo(rule);
        assertThat(violation.message()).contains(message);
    }

    static Stream<Arguments> appAndEnvironment() {
        return Stream.of(
                row("missing app", seed().app(null), "--app", "required", "is required"),
                row("empty app", seed().app(""), "--app", "empty", "must not be empty"),
                row("upper-case app", seed().app("PyToya"), "--app", "invalid-name", "'PyToya' is not a valid app name"),
                row("app ending in '-'", seed().app("pytoya-"), "--app", "invalid-name", "not a valid app name"),
                row("unknown app", seed().app("pytoya2"), "--app", "unknown-app",
                        "unknown app 'pytoya2' (configured: pytoya, shop, site)"),
                row("unknown env", seed().env("staging"), "--env", "unknown-env",
                        "unknown environment 'staging' for app 'pytoya' (configured: production)"),
                row("empty env", seed().env(""), "--env", "empty", "must not be empty"),
                row("env missing where two exist", shopSignal().env(null), "--env", "required",
                        "app 'shop' has environments staging, production"),
                row("upper-case env", shopSignal().env("Staging"), "--env", "invalid-name", "'Staging'"));
    }

    static Stream<Arguments> charts() {
        return Stream.of(
                row("look-alike host suffix", seed().chart("oci://ghcr.io.evil.com/acme/charts/pytoya"), "--chart",
                        "registry-not-allowed", "registry 'ghcr.io.evil.com' is not allowed (allowed: ghcr.io)"),
                row("userinfo look-alike", seed().chart("oci://ghcr.io@evil.com/acme/charts/pytoya"), "--chart",
                        "invalid-reference", "userinfo '@' is not allowed in a registry host"),
                row("port plus parent path", seed().chart("oci://ghcr.io:443/../charts/pytoya"), "--chart",
                        "invalid-reference", "'..' is not a valid path component"),
                row("port not allowed", seed().chart("oci://ghcr.io:443/acme/charts/pytoya"), "--chart",
                        "registry-not-allowed", "registry 'ghcr.io:443' is not allowed"),
                row("host as a path", seed().chart("oci://evil.com/ghcr.io/acme/charts/pytoya"), "--chart",
                        "registry-not-allowed", "registry 'evil.com'"),
                row("no scheme", seed().chart("ghcr.io/acme/charts/pytoya"), "--chart", "invalid-scheme",
                        "must start with oci://"),
                row("https scheme", seed().chart("https://ghcr.io/acme/charts/pytoya"), "--chart", "invalid-scheme",
                        "must start with oci://"),
                row("upper-case scheme", seed().chart("OCI://ghcr.io/acme/charts/pytoya"), "--chart", "invalid-scheme",
                        "must start with oci://"),
                row("upper-case host", seed().chart("oci://GHCR.io/acme/charts/pytoya"), "--chart", "invalid-reference",
                        "upper-case letters are not allowed in a registry host: 'GHCR.io'"),
                row("upper-case org", seed().chart("oci://ghcr.io/Acme/charts/pytoya"), "--chart", "invalid-reference",
                        "upper-case letters are not allowed in a repository path: 'Acme'"),
                row("other org", seed().chart("oci://ghcr.io/evil/charts/pytoya"), "--chart", "org-not-allowed",
                        "organisation 'evil' is not allowed on ghcr.io (allowed: acme)"),
                row("not under charts/", seed().chart("oci://ghcr.io/acme/images/pytoya"), "--chart", "path-not-allowed",
                        "repository path 'images/pytoya' below organisation 'acme' does not match 'charts/*'"),
                row("too shallow", seed().chart("oci://ghcr.io/acme/pytoya"), "--chart", "path-not-allowed",
                        "does not match 'charts/*'"),
                row("too deep", seed().chart("oci://ghcr.io/acme/charts/pytoya/extra"), "--chart", "path-not-allowed",
                        "'charts/pytoya/extra'"),
                row("chart with tag", seed().chart("oci://ghcr.io/acme/charts/pytoya:0.1.0"), "--chart",
                        "chart-has-tag", "give the version with --chart-version"),
                row("chart with digest", seed().chart("oci://ghcr.io/acme/charts/pytoya@sha256:" + SHA), "--chart",
                        "chart-has-digest", "must not carry a digest"),
                row("no registry", seed().chart("oci://acme/charts/pytoya"), "--chart", "missing-registry",
                        "must be a full reference including the registry host"),
                row("bare name", seed().chart("oci://pytoya"), "--chart", "missing-registry", "registry host"),
                row("empty path", seed().chart("oci://ghcr.io/"), "--chart", "invalid-reference", "repository path is empty"),
                row("double slash", seed().chart("oci://ghcr.io/acme//charts/pytoya"), "--chart", "invalid-reference",
                        "empty component"),
                row("empty chart", seed().chart(""), "--chart", "empty", "must not be empty"),
                row("missing chart", seed().chart(null), "--chart", "required", "is required for app 'pytoya'"));
    }

    static Stream<Arguments> chartVersions() {
        return Stream.of(
                row("missing version", seed().chartVersion(null), "--chart-version", "required", "is required"),
                row("empty version", seed().chartVersion(""), "--chart-version", "empty", "must not be empty"),
                row("leading v", seed().chartVersion("v0.1.0"), "--chart-version", "invalid-semver",
                        "drop the leading 'v'"),
                row("two parts", seed().chartVersion("0.1"), "--chart-version", "invalid-semver", "SemVer 2.0.0"),
                row("leading zero", seed().chartVersion("01.0.0"), "--chart-version", "invalid-semver", "'01.0.0'"),
                row("empty pre-release", seed().chartVersion("0.1.0-"), "--chart-version", "invalid-semver", "SemVer"),
                row("a tag name", seed().chartVersion("latest"), "--chart-version", "invalid-semver", "'latest'"),
                row("129 characters", seed().chartVersion("0.1.0-" + "a".repeat(123)), "--chart-version", "too-long",
                        "is 129 characters long; at most 128 are allowed"));
    }

    static Stream<Arguments> artifactModes() {
        return Stream.of(
                row("bundle for a chart app", seed().bundle(BUNDLE), "--bundle", "not-allowed",
                        "is not used by app 'pytoya' (it deploys a Helm chart"),
                row("chart for a bundle app", shopSignal().chart("oci://ghcr.io/acme/charts/shop"), "--chart",
                        "not-allowed", "it deploys a config bundle"),
                row("version for a bundle app", shopSignal().chartVersion("1.0.0"), "--chart-version", "not-allowed",
                        "app 'shop'"),
                row("empty chart for an images-only app", new Signal().app("site").chart("")
                        .images("{\"site\":\"ghcr.io/acme/site:1\"}"), "--chart", "not-allowed", "images only"),
                row("missing bundle", shopSignal().bundle(null), "--bundle", "required", "is required for app 'shop'"),
                row("bundle without tag or digest", shopSignal().bundle("oci://ghcr.io/acme/bundles/shop"), "--bundle",
                        "unpinned", "must name a tag or a digest"),
                row("bundle outside bundles/", shopSignal().bundle("oci://ghcr.io/acme/charts/shop:1"), "--bundle",
                        "path-not-allowed", "does not match 'bundles/*'"),
                row("bundle from another registry", shopSignal().bundle("oci://docker.io/acme/bundles/shop:1"),
                        "--bundle", "registry-not-allowed", "(allowed: ghcr.io, localhost:5000)"));
    }

    static Stream<Arguments> imagesJson() {
        return Stream.of(
                row("missing images", seed().images(null), "--images", "required", "app 'pytoya' needs api, web"),
                row("empty images", seed().images(""), "--images", "empty", "is empty"),
                row("array", seed().images("[\"" + SEED_API + "\"]"), "--images", "not-object",
                        "must be a JSON object, got an array"),
                row("string", seed().images("\"" + SEED_API + "\""), "--images", "not-object", "got a string"),
                row("null", seed().images("null"), "--images", "not-object", "got null"),
                row("two objects", seed().images(SignalFixtures.SEED_IMAGES + "{}"), "--images", "invalid-json",
                        "has content after the JSON object"),
                row("duplicate key", seed().images("{\"api\":\"" + SEED_API + "\",\"api\":\"" + SEED_API + "\"}"),
                        "--images", "duplicate-key", "duplicate key 'api'"),
                row("number value", seed().images("{\"api\":1,\"web\":\"" + SEED_WEB + "\"}"), "--images.api",
                        "not-string", "value of 'api' must be a string, got a number"),
                row("unterminated", seed().images("{\"api\":"), "--images", "invalid-json", "is not valid JSON"),
                row("single quotes", seed().images("{'api':'" + SEED_API + "'}"), "--images", "invalid-json",
                        "is not valid JSON"),
                row("unknown component", seed().images("{\"api\":\"" + SEED_API + "\",\"web\":\"" + SEED_WEB
                        + "\",\"wroker\":\"" + SEED_API + "\"}"), "--images", "unknown-component",
                        "unknown component 'wroker' (known: api, web, worker)"),
                row("missing web", seed().images("{\"api\":\"" + SEED_API + "\"}"), "--images.web", "missing-component",
                        "required component 'web' is missing"),
                row("empty object", new Signal().app("site").images("{}"), "--images.site", "missing-component",
                        "'site'"));
    }

    static Stream<Arguments> imageValues() {
        return Stream.of(
                api("look-alike host", "ghcr.io.evil.com/acme/pytoya/api:1", "registry-not-allowed", "'ghcr.io.evil.com'"),
                api("userinfo", "ghcr.io@evil.com/acme/pytoya/api:1", "invalid-reference", "userinfo '@'"),
                api("port and parent", "ghcr.io:443/../acme/pytoya/api:1", "invalid-reference", "'..'"),
                api("no registry", "acme/pytoya/api:1", "missing-registry", "'acme' is not a registry host"),
                api("no tag or digest", "ghcr.io/acme/pytoya/api", "unpinned", "must name a tag or a sha256 digest"),
                api("short digest", "ghcr.io/acme/pytoya/api@sha256:abc", "invalid-digest",
                        "must have exactly 64 hex characters, got 3"),
                api("sha512", "ghcr.io/acme/pytoya/api@sha512:" + SHA + SHA, "invalid-digest", "only sha256"),
                api("upper-case hex", "ghcr.io/acme/pytoya/api@sha256:" + SHA.toUpperCase(), "invalid-digest",
                        "upper-case hex"),
                api("upper-case path", "ghcr.io/acme/pytoya/API:1", "invalid-reference", "'API'"),
                api("other component's repository", SEED_WEB, "path-not-allowed", "does not match 'pytoya/api'"),
                api("other org", "ghcr.io/other/pytoya/api:1", "org-not-allowed", "'other'"),
                api("docker hub", "docker.io/library/nginx:1", "registry-not-allowed", "'docker.io'"),
                api("oci scheme", "oci://ghcr.io/acme/pytoya/api:1", "invalid-scheme", "scheme"),
                api("empty value", "", "empty", "must not be empty"),
                row("path component over 128", shopSignal().images("{\"app\":\"ghcr.io/acme/shop/" + "a".repeat(129)
                        + ":1\"}"), "--images.app", "path-component-too-long", "(129 characters) is longer than 128"));
    }

    private static Arguments api(String name, String apiImage, String rule, String message) {
        return row("--images.api " + name, seed().images("{\"api\":\"" + apiImage + "\",\"web\":\"" + SEED_WEB + "\"}"),
                "--images.api", rule, message);
    }

    private static Arguments row(String name, Signal signal, String argument, String rule, String message) {
        return argumentSet(name, signal, argument, rule, message);
    }
}

package dev.pier.signal;

import static dev.pier.signal.SignalFixtures.BUNDLE;
import static dev.pier.signal.SignalFixtures.SEED_API;
import static dev.pier.signal.SignalFixtures.SEED_CHART;
import static dev.pier.signal.SignalFixtures.SEED_VERSION;
import static dev.pier.signal.SignalFixtures.SEED_WEB;
import static dev.pier.signal.SignalFixtures.SHA;
import static dev.pier.signal.SignalFixtures.SHOP_APP;
import static dev.pier.signal.SignalFixtures.accepted;
import static dev.pier.signal.SignalFixtures.refused;
import static dev.pier.signal.SignalFixtures.seed;
import static dev.pier.signal.SignalFixtures.shopSignal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import dev.pier.pipeline.Release;
import dev.pier.pipeline.Release.ArtifactRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalValidatorTest {

    @Test
    void accepts_the_seed_example_and_defaults_worker_to_api() throws Exception {
        ValidatedSignal valid = accepted(seed());

        assertThat(valid.app().name()).isEqualTo("pytoya");
        assertThat(valid.environment().name()).isEqualTo("production");
        Release release = valid.release();
        assertThat(release.app()).isEqualTo("pytoya");
        assertThat(release.chart()).isEqualTo(new Release.ChartRef(SEED_CHART, SEED_VERSION, null));
        assertThat(release.bundle()).isNull();
        assertThat(release.images()).containsExactly(
                entry("api", ArtifactRef.asGiven(SEED_API)),
                entry("web", ArtifactRef.asGiven(SEED_WEB)),
                entry("worker", new ArtifactRef(SEED_API, SEED_API, null, "api")));
    }

    @Test
    void keeps_a_named_worker_instead_of_the_default() throws Exception {
        String worker = "ghcr.io/acme/pytoya/worker:abcdef123456";
        Release release = accepted(seed().images("{\"api\":\"" + SEED_API + "\",\"web\":\"" + SEED_WEB
                + "\",\"worker\":\"" + worker + "\"}")).release();

        assertThat(release.images().get("worker")).isEqualTo(ArtifactRef.asGiven(worker));
    }

    @Test
    void orders_images_by_the_apps_components_not_by_the_json() throws Exception {
        Release release = accepted(seed().images("{\"web\":\"" + SEED_WEB + "\",\"api\":\"" + SEED_API + "\"}"))
                .release();

        assertThat(release.images()).containsOnlyKeys("api", "web", "worker");
        assertThat(List.copyOf(release.images().keySet())).containsExactly("api", "web", "worker");
    }

    @Test
    void records_the_digest_of_a_digest_pinned_image_and_passes_it_on_to_the_default() throws Exception {
        String api = "ghcr.io/acme/pytoya/api@sha256:" + SHA;
        String web = "ghcr.io/acme/pytoya/web:abcdef123456@sha256:" + SHA;
        Release release = accepted(seed().images("{\"api\":\"" + api + "\",\"web\":\"" + web + "\"}")).release();

        assertThat(release.images().get("api")).isEqualTo(new ArtifactRef(api, api, "sha256:" + SHA, null));
        assertThat(release.images().get("web")).isEqualTo(new ArtifactRef(web, web, "sha256:" + SHA, null));
        assertThat(release.images().get("worker")).isEqualTo(new ArtifactRef(api, api, "sha256:" + SHA, "api"));
    }

    @Test
    void accepts_a_bundle_app_with_a_named_environment() throws Exception {
        ValidatedSignal valid = accepted(shopSignal().env("production"));

        assertThat(valid.environment().name()).isEqualTo("production");
        assertThat(valid.release().chart()).isNull();
        assertThat(valid.release().bundle()).isEqualTo(ArtifactRef.asGiven(BUNDLE));
        assertThat(valid.release().images()).containsOnlyKeys("app");
        assertThat(valid.release().images().get("app")).isEqualTo(ArtifactRef.asGiven(SHOP_APP));
    }

    @Test
    void records_the_digest_of_a_digest_pinned_bundle() throws Exception {
        String bundle = "oci://ghcr.io/acme/bundles/shop@sha256:" + SHA;
        Release release = accepted(shopSignal().bundle(bundle)).release();

        assertThat(release.bundle()).isEqualTo(new ArtifactRef(bundle, bundle, "sha256:" + SHA, null));
    }

    @Test
    void accepts_localhost_5000_where_the_app_allows_it() throws Exception {
        String image = "localhost:5000/team/shop/app:1.2.3";
        Release release = accepted(shopSignal().bundle("oci://localhost:5000/team/bundles/shop:1")
                .images("{\"app\":\"" + image + "\",\"redis\":\"localhost:5000/library/redis:7\"}")).release();

        assertThat(release.bundle().given()).isEqualTo("oci://localhost:5000/team/bundles/shop:1");
        assertThat(release.images()).containsOnlyKeys("app", "redis");
    }

    @Test
    void refuses_localhost_5000_for_an_app_that_does_not_allow_it() {
        List<Violation> violations = refused(seed().images(
                "{\"api\":\"localhost:5000/acme/pytoya/api:1\",\"web\":\"" + SEED_WEB + "\"}"));

        assertThat(violations).extracting(Violation::argument, Violation::rule)
                .containsExactly(tuple("--images.api", "registry-not-allowed"));
        assertThat(violations.get(0).message()).isEqualTo("registry 'localhost:5000' is not allowed (allowed: ghcr.io)");
    }

    @Test
    void accepts_an_images_only_app() throws Exception {
        ValidatedSignal valid = accepted(new SignalFixtures.Signal().app("site")
                .images("{\"site\":\"ghcr.io/docs/site:2024.10.1\"}"));

        assertThat(valid.environment().name()).isEqualTo("live");
        assertThat(valid.release().chart()).isNull();
        assertThat(valid.release().bundle()).isNull();
        assertThat(valid.release().images().get("site").given()).isEqualTo("ghcr.io/docs/site:2024.10.1");
    }

    @Test
    void accepts_semver_versions_helm_would_accept() throws Exception {
        for (String version : List.of("0.1.0", "1.2.3-rc.1", "1.0.0+build.7", "10.20.30-alpha-1.beta+exp.sha.5114f85")) {
            assertThat(accepted(seed().chartVersion(version)).release().chart().version()).isEqualTo(version);
        }
    }

    @Test
    void reports_every_violation_at_once_in_argument_order() {
        List<Violation> violations = refused(seed()
                .env("staging")
                .chart("oci://ghcr.io/evil/charts/pytoya:1.0.0")
                .chartVersion("v1.0.0")
                .bundle(BUNDLE)
                .images("{\"api\":\"ghcr.io/acme/pytoya/api\",\"wroker\":\"" + SEED_API + "\"}"));

        assertThat(violations).extracting(Violation::argument, Violation::rule).containsExactly(
                tuple("--env", "unknown-env"),
                tuple("--chart", "org-not-allowed"),
                tuple("--chart", "chart-has-tag"),
                tuple("--chart-version", "invalid-semver"),
                tuple("--bundle", "not-allowed"),
                tuple("--images.api", "unpinned"),
                tuple("--images", "unknown-component"),
                tuple("--images.web", "missing-component"));
    }

    @Test
    void asks_nothing_of_images_for_an_unknown_app() {
        assertThat(refused(new SignalFixtures.Signal().app("nope")))
                .extracting(Violation::argument, Violation::rule).containsExactly(tuple("--app", "unknown-app"));
    }

    @Test
    void renders_one_line_per_violation_prefixed_by_the_argument() {
        InvalidSignalException e = new InvalidSignalException(List.of(
                new Violation("--chart", "not-oci", "must start with oci://"),
                new Violation("--images", "duplicate-key", "duplicate key 'api'")));

        assertThat(e.getMessage()).isEqualTo("--chart: must start with oci://\n--images: duplicate key 'api'");
    }

    @Test
    void still_checks_the_syntax_of_everything_when_the_app_is_unknown() {
        List<Violation> violations = refused(seed().app("nope")
                .chart("oci://ghcr.io/Acme/charts/pytoya").chartVersion("latest").images("[]"));

        assertThat(violations).extracting(Violation::argument, Violation::rule).containsExactly(
                tuple("--app", "unknown-app"),
                tuple("--chart", "invalid-reference"),
                tuple("--chart-version", "invalid-semver"),
                tuple("--images", "not-object"));
        assertThat(violations.get(0).message()).isEqualTo("unknown app 'nope' (configured: pytoya, shop, site)");
    }
}

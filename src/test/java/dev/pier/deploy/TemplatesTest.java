package dev.pier.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.DeployerSpec;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Release;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {

    private static final Path WORK = Path.of("/var/lib/pier/runs/run-42");
    private static final DeployerSpec SPEC = new DeployerSpec.Command(Path.of("/srv"), List.of(), Map.of(),
            Duration.ofMinutes(1), Map.of());

    private static Map<String, Object> model(Release release) {
        return Templates.model(Fixtures.request(SPEC, WORK, release, Map.of()));
    }

    @Test
    void theModelNamesTheRunTheReleaseAndTheRunFiles() {
        String out = Templates.render("{{app}} {{env}} {{run_id}} {{images.api}} {{images.worker}} {{chart.version}} "
                + "{{work_dir}} {{release_file}} {{values_file}}", model(Fixtures.release()));

        assertThat(out).isEqualTo("pytoya production run-42 " + Fixtures.API + " " + Fixtures.API
                + " 0.1.0-abcdef123456 " + WORK + " " + WORK + "/release.json " + WORK + "/values.yaml");
    }

    @Test
    void chartRefUsesTheVersionWhenUnpinnedAndTheDigestWhenPinned() {
        Release tagged = Fixtures.release();
        Release pinned = new Release("pytoya", new Release.ChartRef(Fixtures.CHART, "0.1.0", Fixtures.DIGEST), null,
                tagged.images());

        assertThat(Templates.render("{{chart.ref}}", model(tagged))).isEqualTo(Fixtures.CHART + ":0.1.0-abcdef123456");
        assertThat(Templates.render("{{chart.ref}}", model(pinned))).isEqualTo(Fixtures.CHART + "@" + Fixtures.DIGEST);
        assertThat(Templates.render("{{chart.digest}}", model(pinned))).isEqualTo(Fixtures.DIGEST);
    }

    @Test
    void imagesAreTheReferencesToDeployNotTheOnesGiven() {
        String pinned = "ghcr.io/org/pytoya/api@" + Fixtures.DIGEST;
        Release r = new Release("pytoya", null, Release.ArtifactRef.asGiven("ghcr.io/org/bundle:1"),
                Map.of("api", new Release.ArtifactRef(Fixtures.API, pinned, Fixtures.DIGEST, null)));

        assertThat(Templates.render("{{images.api}} {{bundle}}", model(r))).isEqualTo(pinned + " ghcr.io/org/bundle:1");
    }

    @Test
    void valuesAreNotHtmlEscaped() {
        assertThat(Templates.render("{{v}}", Map.of("v", "a&b <c> \"d\" 'e' =f"))).isEqualTo("a&b <c> \"d\" 'e' =f");
    }

    @Test
    void aMissingVariableIsAnErrorNamingItNotAnEmptyString() {
        assertThatThrownBy(() -> Templates.render("--image={{images.cron}}", model(Fixtures.release())))
                .isInstanceOf(Templates.TemplateException.class)
                .hasMessageContaining("{{images.cron}}")
                .hasMessageContaining("not defined")
                .hasMessageContaining("images.api");
        assertThatThrownBy(() -> Templates.render("{{chart.digest}}", model(Fixtures.release())))
                .hasMessageContaining("{{chart.digest}}");
        assertThatThrownBy(() -> Templates.render("{{bundle}}", model(Fixtures.release())))
                .hasMessageContaining("{{bundle}}");
    }

    @Test
    void aSectionTestsForAnOptionalValueWithoutFailing() {
        String t = "{{#chart.digest}}pinned{{/chart.digest}}{{^chart.digest}}tagged{{/chart.digest}}";

        assertThat(Templates.render(t, model(Fixtures.release()))).isEqualTo("tagged");
    }

    @Test
    void anUnclosedSectionIsReportedAsInvalid() {
        assertThatThrownBy(() -> Templates.render("{{#app}}", Map.of("app", "x")))
                .isInstanceOf(Templates.TemplateException.class).hasMessageContaining("not valid Mustache");
    }

    @Test
    void requestToStringStaysFreeOfSecretValues() {
        DeployRequest r = Fixtures.request(SPEC, WORK, Fixtures.release(), Map.of("token", "s3cr3t"));
        assertThat(Templates.model(r).toString()).doesNotContain("s3cr3t");
    }
}

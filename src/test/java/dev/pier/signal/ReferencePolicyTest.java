package dev.pier.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pier.config.AppSpec.SourceRule;
import dev.pier.oci.Reference;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferencePolicyTest {
    private final ReferencePolicy ghcrAcme = new ReferencePolicy(List.of(new SourceRule("ghcr.io", List.of("acme"))));

    @Test
    void allows_the_configured_registry_and_org() throws Exception {
        assertThat(ghcrAcme.check("--x", Reference.parse("ghcr.io/acme/charts/pytoya"), "charts/*")).isEmpty();
    }

    @Test
    void refuses_lookalike_registry_hosts() throws Exception {
        for (String image : List.of("ghcr.io.evil.com/acme/a:1", "evil.com/ghcr.io/acme/a:1", "ghcr.io:443/acme/a:1",
                "xghcr.io/acme/a:1", "ghcr.i0/acme/a:1")) {
            assertThat(ghcrAcme.check("--x", Reference.parse(image), null))
                    .as(image).extracting(Violation::rule).containsExactly("registry-not-allowed");
        }
    }

    @Test
    void refuses_the_default_port_when_only_a_port_is_allowed() throws Exception {
        ReferencePolicy local = new ReferencePolicy(List.of(new SourceRule("localhost:5000", List.of("*"))));

        assertThat(local.check("--x", Reference.parse("localhost/team/a:1"), null))
                .extracting(Violation::rule).containsExactly("registry-not-allowed");
        assertThat(local.check("--x", Reference.parse("localhost:5001/team/a:1"), null))
                .extracting(Violation::rule).containsExactly("registry-not-allowed");
        assertThat(local.check("--x", Reference.parse("localhost:5000/anyone/a:1"), null)).isEmpty();
    }

    @Test
    void refuses_an_org_that_is_only_a_prefix_of_the_allowed_one() throws Exception {
        assertThat(ghcrAcme.check("--images.api", Reference.parse("ghcr.io/acme-evil/a:1"), null))
                .extracting(Violation::argument, Violation::rule, Violation::message)
                .containsExactly(tuple("--images.api", "org-not-allowed",
                        "organisation 'acme-evil' is not allowed on ghcr.io (allowed: acme)"));
    }

    @Test
    void joins_the_orgs_of_rules_for_the_same_registry() throws Exception {
        ReferencePolicy policy = new ReferencePolicy(List.of(
                new SourceRule("ghcr.io", List.of("acme")), new SourceRule("ghcr.io", List.of("docs"))));

        assertThat(policy.check("--x", Reference.parse("ghcr.io/docs/site:1"), null)).isEmpty();
        assertThat(policy.check("--x", Reference.parse("ghcr.io/acme/site:1"), null)).isEmpty();
    }

    @Test
    void matches_a_star_against_exactly_one_path_component() {
        assertThat(ReferencePolicy.matches(List.of("charts", "pytoya"), "charts/*")).isTrue();
        assertThat(ReferencePolicy.matches(List.of("charts"), "charts/*")).isFalse();
        assertThat(ReferencePolicy.matches(List.of("charts", "a", "b"), "charts/*")).isFalse();
        assertThat(ReferencePolicy.matches(List.of("chart", "pytoya"), "charts/*")).isFalse();
        assertThat(ReferencePolicy.matches(List.of("pytoya", "api"), "*/api")).isTrue();
        assertThat(ReferencePolicy.matches(List.of(), "*")).isFalse();
    }

    @Test
    void reports_a_wrong_org_and_a_wrong_path_together() throws Exception {
        assertThat(ghcrAcme.check("--chart", Reference.parse("ghcr.io/evil/x"), "charts/*"))
                .extracting(Violation::rule).containsExactly("org-not-allowed", "path-not-allowed");
    }

    @Test
    void refuses_a_path_component_longer_than_128_characters() throws Exception {
        String image = "ghcr.io/acme/" + "b".repeat(129) + ":1";

        assertThat(ghcrAcme.check("--x", Reference.parse(image), null))
                .extracting(Violation::rule).containsExactly("path-component-too-long");
        assertThat(ghcrAcme.check("--x", Reference.parse("ghcr.io/acme/" + "b".repeat(128) + ":1"), null)).isEmpty();
    }

    @Test
    void refuses_everything_when_no_registry_is_configured() throws Exception {
        assertThat(new ReferencePolicy(List.of()).check("--x", Reference.parse("ghcr.io/acme/a:1"), null))
                .extracting(Violation::message).containsExactly("registry 'ghcr.io' is not allowed (allowed: none)");
    }
}

package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void parses_a_bearer_challenge_with_quoted_parameters() {
        Challenge c = Challenge.parse("Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\","
                + "scope=\"repository:acme/app:pull,push\"").orElseThrow();
        assertThat(c.isBearer()).isTrue();
        assertThat(c.param("realm")).isEqualTo("https://ghcr.io/token");
        assertThat(c.param("service")).isEqualTo("ghcr.io");
        assertThat(c.param("scope")).isEqualTo("repository:acme/app:pull,push");
    }

    @Test
    void parses_basic_and_unquoted_values() {
        Challenge c = Challenge.parse("Basic realm=registry").orElseThrow();
        assertThat(c.isBasic()).isTrue();
        assertThat(c.param("realm")).isEqualTo("registry");
        assertThat(Challenge.parse("bearer realm=x, error=insufficient_scope").orElseThrow().param("error"))
                .isEqualTo("insufficient_scope");
    }

    @Test
    void tolerates_odd_input() {
        assertThat(Challenge.parse(null)).isEmpty();
        assertThat(Challenge.parse("")).isEmpty();
        assertThat(Challenge.parse("Bearer").orElseThrow().params()).isEmpty();
        assertThat(Challenge.parse("Bearer realm=\"unterminated").orElseThrow().param("realm")).isEqualTo("unterminated");
    }
}

package dev.pier.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuoteTest {

    @Test
    void escapes_control_and_non_ascii_characters() {
        assertThat(Quote.quote("a\nb\u0000gh\u0441r")).isEqualTo("'a\\nb\\u0000gh\\u0441r'");
    }

    @Test
    void cuts_long_text_and_states_its_length() {
        assertThat(Quote.quote("x".repeat(1000))).isEqualTo("'" + "x".repeat(64) + "...' (1000 characters)");
    }

    @Test
    void leaves_short_printable_text_alone() {
        assertThat(Quote.quote("ghcr.io")).isEqualTo("'ghcr.io'");
    }
}

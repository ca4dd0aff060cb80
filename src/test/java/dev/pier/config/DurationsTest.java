package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parses_units_and_plain_seconds() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("300")).isEqualTo(Duration.ofSeconds(300));
        assertThat(Durations.toGo(Duration.ofMinutes(10))).isEqualTo("600s");
    }

    @Test
    void refuses_what_is_not_a_duration() {
        assertThatThrownBy(() -> Durations.parse("10 minutes")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("not a duration");
    }
}

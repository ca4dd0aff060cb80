package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    private static Optional<Duration> parse(String header, String body) {
        return RetryAfter.parse(Optional.ofNullable(header), body == null ? null : body.getBytes(StandardCharsets.UTF_8), CLOCK);
    }

    @Test
    void reads_seconds_and_fractions() {
        assertThat(parse("5", null)).contains(Duration.ofSeconds(5));
        assertThat(parse(" 1.5 ", null)).contains(Duration.ofMillis(1500));
    }

    @Test
    void reads_an_http_date_relative_to_the_clock_and_never_negative() {
        assertThat(parse("Sun, 01 Mar 2026 12:00:30 GMT", null)).contains(Duration.ofSeconds(30));
        assertThat(parse("Sun, 01 Mar 2026 11:00:00 GMT", null)).contains(Duration.ZERO);
    }

    @Test
    void reads_a_value_with_a_unit_in_the_header() {
        assertThat(parse("10.3ms", null)).contains(Duration.ofMillis(11));
        assertThat(parse("2s", null)).contains(Duration.ofSeconds(2));
    }

    @Test
    void reads_the_body_when_the_header_is_missing_or_unusable() {
        String ghcr = "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"retry-after: 10.3ms, allowed: 44000/minute\"}]}";
        assertThat(parse(null, ghcr)).contains(Duration.ofMillis(11));
        assertThat(parse("soon", "Retry-After: 3")).contains(Duration.ofSeconds(3));
        assertThat(parse(null, "rate limited; retry after 2m")).contains(Duration.ofMinutes(2));
    }

    @Test
    void nothing_usable_is_empty() {
        assertThat(parse(null, null)).isEmpty();
        assertThat(parse("later", "{\"errors\":[]}")).isEmpty();
    }
}

package dev.pier.oci.registry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a registry asks us to wait: {@code Retry-After} as seconds or an HTTP date, or only in the error
 * body (GHCR writes text such as {@code retry-after: 10.3ms}).
 */
final class RetryAfter {
    private static final Pattern IN_BODY = Pattern.compile(
            "retry[-_ ]?after\"?\\s*[:=]?\\s*\"?([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern WITH_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SECONDS = Pattern.compile("[0-9]+(?:\\.[0-9]+)?");

    private RetryAfter() {}

    static Optional<Duration> parse(Optional<String> header, byte[] body, Clock clock) {
        if (header.isPresent()) {
            Optional<Duration> fromHeader = parseHeader(header.get().trim(), clock);
            if (fromHeader.isPresent()) {
                return fromHeader;
            }
        }
        if (body != null && body.length > 0) {
            String text = new String(body, 0, Math.min(body.length, 8192), StandardCharsets.UTF_8);
            Matcher m = IN_BODY.matcher(text);
            if (m.find()) {
                return Optional.of(withUnit(m.group(1), m.group(2) == null ? "s" : m.group(2)));
            }
        }
        return Optional.empty();
    }

    static Optional<Duration> parseHeader(String value, Clock clock) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (SECONDS.matcher(value).matches()) {
            return Optional.of(withUnit(value, "s"));
        }
        Matcher m = WITH_UNIT.matcher(value);
        if (m.matches()) {
            return Optional.of(withUnit(m.group(1), m.group(2) == null ? "s" : m.group(2)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), at.toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Duration withUnit(String number, String unit) {
        double value;
        try {
            value = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return Duration.ZERO;
        }
        double millis = switch (unit.toLowerCase(java.util.Locale.ROOT)) {
            case "ms" -> value;
            case "m" -> value * 60_000;
            case "h" -> value * 3_600_000;
            default -> value * 1000;
        };
        if (millis > Long.MAX_VALUE / 2 || Double.isNaN(millis)) {
            return Duration.ofDays(1);
        }
        return Duration.ofMillis((long) Math.ceil(millis));
    }
}

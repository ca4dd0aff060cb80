package dev.pier.deploy;

import java.time.Duration;

/** Durations as Go's {@code time.ParseDuration} reads them (Helm's {@code --timeout}), also used in log lines. */
final class GoDuration {

    private GoDuration() {}

    /** {@code 600s}; {@code 1500ms} when not a whole number of seconds. */
    static String of(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        return d.getNano() == 0 ? d.getSeconds() + "s" : d.toMillis() + "ms";
    }
}

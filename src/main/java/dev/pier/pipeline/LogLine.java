package dev.pier.pipeline;

import java.time.Instant;

/**
 * One line of a run's log, already redacted.
 *
 * @param seq    position in the run's log, from 1
 * @param stream {@code stdout}, {@code stderr} or {@code pier}
 */
public record LogLine(long seq, Instant at, String stream, String text) {}

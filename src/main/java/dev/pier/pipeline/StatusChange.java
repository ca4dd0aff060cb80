package dev.pier.pipeline;

import java.time.Instant;

/** One recorded move of a run between states. {@code from} is null for the first. */
public record StatusChange(RunStatus from, RunStatus to, Instant at, String note) {}

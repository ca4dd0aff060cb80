package dev.pier.pipeline;

import java.time.Instant;

/**
 * The Pier process that owns a run while it executes. The start time guards against PID reuse:
 * a live process with the same PID but another start time is not the owner.
 */
public record Owner(long pid, Instant startedAt) {}

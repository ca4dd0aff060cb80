package dev.pier.signal;

import dev.pier.config.AppSpec;
import dev.pier.config.EnvironmentSpec;
import dev.pier.pipeline.Release;

/**
 * A signal that passed every rule: the app and environment it names, and the release it asks for
 * (references as given; digests are resolved later, by the pipeline).
 */
public record ValidatedSignal(AppSpec app, EnvironmentSpec environment, Release release) {}

package dev.pier.pipeline;

import dev.pier.config.EnvironmentControls.HttpCheck;

/** Checks a deployed release answers before its run succeeds. The HTTP adapter lives in {@code dev.pier.gate}. */
public interface PostDeployCheck {

    PostDeployCheck NONE = (spec, url, cancel, log) -> new Result(true, "no check configured");

    /** Blocks until the check passes, its deadline passes, or {@code cancel} fires. */
    Result run(HttpCheck spec, String url, Cancellation cancel, LogSink log);

    /** @param summary one line: what answered, or why it did not */
    record Result(boolean passed, String summary) {}
}

package dev.pier.pipeline;

/** How a deploy ended. A value, not an exception: the pipeline records it. */
public sealed interface DeployOutcome {

    /**
     * @param detail      one line for the log, e.g. which fallback attempt succeeded
     * @param deployedUrl where the deploy target says the release answers; null when it did not say. Used when the
     *                    environment has no {@code deployed_url} template of its own
     */
    record Succeeded(String detail, String deployedUrl) implements DeployOutcome {
        public Succeeded(String detail) {
            this(detail, null);
        }
    }

    /**
     * @param kind     {@code deploy_failed}, {@code timed_out}, {@code not_started}
     * @param step     the step that failed
     * @param exitCode the process exit code, or null
     * @param summary  one line
     */
    record Failed(String kind, String step, Integer exitCode, String summary) implements DeployOutcome {}

    record Cancelled(String reason) implements DeployOutcome {}
}

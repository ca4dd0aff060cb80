package dev.pier.pipeline;

import java.util.List;

/**
 * Why a run failed, shaped for an orchestrator (seed 004): the failed step, its exit code,
 * the last log lines (redacted) and a one-line summary.
 *
 * @param kind     {@code deploy_failed}, {@code timed_out}, {@code interrupted}, {@code refused}, …
 * @param step     the step that failed, e.g. {@code helm upgrade} or {@code command 2/2}
 * @param exitCode the failed process's exit code; null when no process ended with one
 * @param summary  one line
 * @param logTail  the last lines of the run log, redacted
 */
public record ErrorReport(String kind, String step, Integer exitCode, String summary, List<String> logTail) {

    public static final int TAIL_LINES = 50;

    public ErrorReport {
        logTail = List.copyOf(logTail);
    }
}

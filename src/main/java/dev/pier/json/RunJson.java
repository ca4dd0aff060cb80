package dev.pier.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.pipeline.LogLine;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import java.util.List;

/**
 * A run as JSON: one shape for the API and the CLI's {@code -o json}, documented in the OpenAPI document.
 * Adds {@code status_label}, the orchestrator's {@code result} on success, and the redacted log tail.
 */
public final class RunJson {

    private RunJson() {}

    /**
     * @param logTail the last lines (already redacted), or null to leave them out
     * @param url     the run's API URL, or null
     */
    public static ObjectNode of(Run run, List<LogLine> logTail, String url) {
        ObjectNode node = Json.mapper().valueToTree(run);
        node.put("status", run.status().wireName());
        node.put("status_label", run.statusLabel());
        node.put("terminal", run.status().isTerminal());
        if (url != null) {
            node.put("url", url);
        }
        if (run.status() == RunStatus.SUCCEEDED) {
            ObjectNode result = node.putObject("result");
            result.put("deployed_url", run.deployedUrl());
            ObjectNode digests = result.putObject("digests");
            Release r = run.release();
            if (r.chart() != null && r.chart().digest() != null) {
                digests.put("chart", r.chart().digest());
            }
            if (r.bundle() != null && r.bundle().digest() != null) {
                digests.put("bundle", r.bundle().digest());
            }
            r.images().forEach((c, ref) -> {
                if (ref.digest() != null) {
                    digests.put(c, ref.digest());
                }
            });
        }
        if (logTail != null) {
            ArrayNode lines = node.putArray("log_tail");
            logTail.forEach(l -> lines.add(line(l)));
        }
        return node;
    }

    public static ObjectNode line(LogLine l) {
        return Json.mapper().createObjectNode().put("seq", l.seq()).put("at", l.at().toString())
                .put("stream", l.stream()).put("text", l.text());
    }
}

package dev.pier.deploy.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.deploy.http.ControllerHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What Pier reads from an Argo CD Application: {@code status.sync.status}, {@code status.health},
 * {@code status.operationState} and whether {@code operation} (a requested, unfinished operation) is still set,
 * {@code status.conditions}, unhealthy or failed resources, and {@code status.summary.externalURLs}.
 */
record ApplicationState(String sync, String health, String healthMessage, boolean operationPending,
                        String phase, String phaseMessage, String startedAt, List<String> conditions,
                        List<String> resourceProblems, List<String> externalUrls) {

    private static final Set<String> FAILED_PHASES = Set.of("Failed", "Error");
    private static final int MAX_ITEMS = 5;

    static ApplicationState of(JsonNode app) {
        JsonNode status = app.path("status");
        JsonNode op = status.path("operationState");
        List<String> conditions = new ArrayList<>();
        status.path("conditions").forEach(c -> add(conditions, text(c, "type") + ": " + text(c, "message")));
        List<String> problems = new ArrayList<>();
        status.path("resources").forEach(r -> {
            String h = r.path("health").path("status").asText("");
            if (h.equals("Degraded")) {
                add(problems, r.path("kind").asText() + "/" + r.path("name").asText() + ": "
                        + r.path("health").path("message").asText(h));
            }
        });
        op.path("syncResult").path("resources").forEach(r -> {
            String s = r.path("status").asText("");
            if (s.equals("SyncFailed") || r.path("hookPhase").asText("").equals("Failed")) {
                add(problems, r.path("kind").asText() + "/" + r.path("name").asText() + ": "
                        + r.path("message").asText(s));
            }
        });
        List<String> urls = new ArrayList<>();
        status.path("summary").path("externalURLs").forEach(u -> urls.add(u.asText()));
        return new ApplicationState(text(status.path("sync"), "status"), text(status.path("health"), "status"),
                text(status.path("health"), "message"), app.hasNonNull("operation"), text(op, "phase"),
                text(op, "message"), text(op, "startedAt"), conditions, problems, urls);
    }

    /** The operation that started at {@code startedAt} is over (it is a new one when that differs from before). */
    boolean operationEndedSince(String before) {
        return !operationPending && startedAt != null && !startedAt.equals(before) && phase != null
                && (phase.equals("Succeeded") || FAILED_PHASES.contains(phase));
    }

    boolean operationFailed() {
        return FAILED_PHASES.contains(phase);
    }

    boolean synced() {
        return "Synced".equals(sync);
    }

    boolean healthy() {
        return "Healthy".equals(health);
    }

    boolean degraded() {
        return "Degraded".equals(health);
    }

    /** {@code sync OutOfSync, health Progressing, operation Running: waiting for …}. */
    String describe() {
        StringBuilder sb = new StringBuilder("sync ").append(or(sync)).append(", health ").append(or(health));
        if (healthMessage != null && !healthMessage.isBlank()) {
            sb.append(" (").append(ControllerHttp.oneLine(healthMessage, 200)).append(')');
        }
        if (phase != null) {
            sb.append(", operation ").append(phase);
            if (phaseMessage != null && !phaseMessage.isBlank()) {
                sb.append(": ").append(ControllerHttp.oneLine(phaseMessage, 300));
            }
        } else if (operationPending) {
            sb.append(", operation requested");
        }
        return sb.toString();
    }

    /** Argo CD's own words about what went wrong: conditions and unhealthy or failed resources. */
    String details() {
        List<String> all = new ArrayList<>(resourceProblems);
        all.addAll(conditions);
        return all.isEmpty() ? "" : "; " + String.join("; ", all);
    }

    private static void add(List<String> list, String item) {
        if (list.size() < MAX_ITEMS) {
            list.add(ControllerHttp.oneLine(item, 300));
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String or(String s) {
        return s == null ? "Unknown" : s;
    }
}

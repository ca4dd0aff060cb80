package dev.pier.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.config.EnvironmentControls.ApprovalRule;
import dev.pier.config.EnvironmentControls.HttpCheck;
import dev.pier.config.EnvironmentControls.OidcRule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Binds the {@code server:} section and each environment's controls (approvals, OIDC, check). */
final class ServerBinder {

    /** Events a workflow can be triggered by that run code an outsider controls. Never allowed. */
    static final Set<String> FORBIDDEN_EVENTS = Set.of("pull_request", "pull_request_target", "workflow_run",
            "issue_comment");

    private ServerBinder() {}

    static ServerSpec bind(JsonNode n, Function<String, Path> path, BiConsumer<String, String> problem,
                           Set<String> secretNames) {
        ServerSpec d = ServerSpec.defaults();
        if (n.isMissingNode()) {
            return d;
        }
        ServerSpec.Oidc oidc = null;
        if (n.has("oidc")) {
            JsonNode o = n.get("oidc");
            oidc = new ServerSpec.Oidc(URI.create(o.path("issuer").asText("https://token.actions.githubusercontent.com")),
                    o.get("audience").asText(), duration(o, "max_skew", Duration.ofSeconds(60)));
        }
        List<ServerSpec.NotificationSpec> notifications = new ArrayList<>();
        int i = 0;
        for (JsonNode x : n.path("notifications")) {
            String secret = x.has("secret") ? x.get("secret").asText() : null;
            if (secret != null && !secretNames.contains(secret)) {
                problem.accept("$.server.notifications[" + i + "].secret", "secret '" + secret
                        + "' is not defined under secrets:");
            }
            List<String> events = new ArrayList<>();
            x.path("events").forEach(e -> events.add(e.asText()));
            notifications.add(new ServerSpec.NotificationSpec(URI.create(x.get("url").asText()), secret,
                    events.isEmpty() ? List.of("awaiting_approval", "failed", "succeeded") : events));
            i++;
        }
        ServerSpec.Anonymous anonymous = "loopback".equals(n.path("anonymous").asText("off"))
                ? ServerSpec.Anonymous.LOOPBACK : ServerSpec.Anonymous.OFF;
        return new ServerSpec(n.path("bind").asText(d.bind()), n.path("port").asInt(d.port()),
                n.has("public_url") ? URI.create(n.get("public_url").asText()) : null, anonymous, oidc,
                duration(n, "shutdown_grace", d.shutdownGrace()), notifications,
                n.path("max_parallel_runs").asInt(d.maxParallelRuns()));
    }

    static EnvironmentControls controls(String at, JsonNode n, BiConsumer<String, String> problem) {
        ApprovalRule approvals = null;
        if (n.has("approvals")) {
            JsonNode a = n.get("approvals");
            approvals = new ApprovalRule(a.get("required").asInt(),
                    duration(a, "expires", ApprovalRule.DEFAULT_EXPIRY));
            if (approvals.expires().isZero()) {
                problem.accept(at + ".approvals.expires", "must be longer than zero");
            }
        }
        HttpCheck check = null;
        if (n.has("check")) {
            JsonNode c = n.get("check");
            check = new HttpCheck(c.get("url").asText(), c.path("status").asInt(200),
                    duration(c, "deadline", Duration.ofMinutes(2)), duration(c, "interval", Duration.ofSeconds(2)));
        }
        OidcRule oidc = null;
        if (n.has("oidc")) {
            JsonNode o = n.get("oidc");
            List<String> events = strings(o.path("events"));
            for (String e : events) {
                if (FORBIDDEN_EVENTS.contains(e)) { // the schema refuses these too; keep the rule in code
                    problem.accept(at + ".oidc.events", "'" + e + "' can never signal a deploy");
                }
            }
            oidc = new OidcRule(o.get("repository").asText(), text(o, "repository_id"),
                    text(o, "repository_owner_id"), events.isEmpty() ? List.of("push", "workflow_dispatch") : events,
                    strings(o.path("refs")), text(o, "environment"));
        }
        return new EnvironmentControls(approvals, oidc, check, n.path("idempotent").asBoolean(false));
    }

    private static Duration duration(JsonNode n, String field, Duration fallback) {
        return n.has(field) ? Durations.parse(n.get(field).asText()) : fallback;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}

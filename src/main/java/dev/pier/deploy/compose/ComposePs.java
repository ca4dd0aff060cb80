package dev.pier.deploy.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code docker compose ps --all --format json}: a JSON array before Compose 2.21, one JSON object per line since.
 * Both are read; a service passes when its containers run (and are healthy, when they have a health check), or
 * exited 0 (a one-shot job).
 */
public final class ComposePs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ComposePs() {}

    /** One container as ps reports it. {@code health} is empty without a health check. */
    public record Container(String service, String name, String state, String health, Integer exitCode) {
        boolean ok() {
            return "running".equals(state) && (health.isEmpty() || "healthy".equals(health))
                    || "exited".equals(state) && exitCode != null && exitCode == 0;
        }

        String describe() {
            StringBuilder sb = new StringBuilder(service).append(" is ").append(state.isEmpty() ? "in no state" : state);
            if (!health.isEmpty()) {
                sb.append(" (").append(health).append(')');
            }
            if ("exited".equals(state) && exitCode != null) {
                sb.append(", exit code ").append(exitCode);
            }
            return sb.toString();
        }
    }

    /** @throws IllegalArgumentException when the text is neither shape */
    public static List<Container> parse(String text) {
        String t = text.strip();
        List<Container> out = new ArrayList<>();
        if (t.isEmpty()) {
            return out;
        }
        if (t.startsWith("[")) {
            read(t, 0).forEach(n -> out.add(container(n)));
            return out;
        }
        String[] lines = t.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                out.add(container(read(lines[i], i)));
            }
        }
        return out;
    }

    private static JsonNode read(String json, int line) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Never quote the output in the message: error summaries carry no command output.
            throw new IllegalArgumentException("docker compose ps --format json printed something that is neither a"
                    + " JSON array nor JSON lines (line " + (line + e.getLocation().getLineNr()) + "; see the log)");
        }
    }

    private static Container container(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("docker compose ps printed a JSON " + n.getNodeType()
                    .name().toLowerCase(Locale.ROOT) + " where a container object belongs");
        }
        JsonNode code = n.get("ExitCode");
        return new Container(n.path("Service").asText(""), n.path("Name").asText(""),
                n.path("State").asText("").toLowerCase(Locale.ROOT), n.path("Health").asText("").toLowerCase(Locale.ROOT),
                code == null || code.isNull() ? null : code.asInt());
    }

    /**
     * What is wrong, one entry per failing service (empty when every expected service passes).
     *
     * @param expected services the compose files define (without profiles): each needs a container
     */
    public static List<String> problems(List<Container> containers, Collection<String> expected) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Container c : containers) {
            seen.add(c.service());
            if (!c.ok()) {
                out.add(c.describe());
            }
        }
        expected.stream().filter(s -> !seen.contains(s)).forEach(s -> out.add(s + " has no container"));
        return out;
    }
}

package dev.pier.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.json.Json;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's own log: one JSON object per line when stderr is not a terminal (for a log shipper), plain
 * text when a person watches. Callers pass only redacted, secret-free values.
 */
public final class ServerLog {

    private final PrintWriter out;
    private final boolean json;
    private final Clock clock;

    public ServerLog(PrintWriter out, boolean json, Clock clock) {
        this.out = out;
        this.json = json;
        this.clock = clock;
    }

    public void info(String message, Object... keyValues) {
        write("info", message, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write("warn", message, keyValues);
    }

    private void write(String level, String message, Object... kv) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            fields.put(String.valueOf(kv[i]), kv[i + 1]);
        }
        String line;
        if (json) {
            ObjectNode node = Json.mapper().createObjectNode();
            node.put("time", clock.instant().toString()).put("level", level).put("msg", message);
            fields.forEach((k, v) -> node.set(k, Json.mapper().valueToTree(v)));
            line = Json.write(node);
        } else {
            StringBuilder b = new StringBuilder(clock.instant().toString()).append(' ').append(level.toUpperCase())
                    .append(' ').append(message);
            fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
            line = b.toString();
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}

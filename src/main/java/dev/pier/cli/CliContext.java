package dev.pier.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may touch of the world: its streams, environment and working directory. Injected so
 * tests run commands in-process with their own.
 */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, Path cwd, Clock clock,
                         boolean interactive) {

    public CliContext {
        env = Map.copyOf(env);
    }

    /** {@code $PIER_HOME}, default {@code ~/.pier}. */
    public Path home() {
        String h = env.get("PIER_HOME");
        if (h != null && !h.isBlank()) {
            return cwd.resolve(h).normalize();
        }
        return Path.of(System.getProperty("user.home"), ".pier");
    }

    /** The OS user, recorded as the actor of local signals. */
    public String user() {
        return env.getOrDefault("USER", System.getProperty("user.name", "unknown"));
    }
}

package dev.pier.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A command a deployer would run.
 *
 * @param argv    the exact argument vector
 * @param workdir working directory
 * @param env     environment the deployer adds; secret values shown as {@code ***}
 * @param note    why this command may run, e.g. "fallback when exit code 2"; may be null
 */
public record PlannedCommand(List<String> argv, Path workdir, Map<String, String> env, String note) {
    public PlannedCommand {
        argv = List.copyOf(argv);
        env = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(env));
    }
}

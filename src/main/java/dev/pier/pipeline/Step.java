package dev.pier.pipeline;

import java.time.Instant;
import java.util.List;

/**
 * One command a deployer ran, as recorded on the run: the exact argv (secrets never appear in argv),
 * when it ran and how it ended.
 *
 * @param exitCode null while running, or when it was killed before it exited
 * @param outcome  {@code running}, {@code succeeded}, {@code failed}, {@code fell_back}, {@code timed_out},
 *                 {@code cancelled}
 */
public record Step(String name, List<String> argv, Instant startedAt, Instant endedAt, Integer exitCode,
                   String outcome) {
    public Step {
        argv = List.copyOf(argv);
    }

    public Step ended(Instant at, Integer code, String how) {
        return new Step(name, argv, startedAt, at, code, how);
    }
}

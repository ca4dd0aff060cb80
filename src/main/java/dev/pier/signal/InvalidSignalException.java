package dev.pier.signal;

import java.util.List;
import java.util.stream.Collectors;

/** A refused signal, with every violation found; the message is one line per violation. */
public final class InvalidSignalException extends Exception {

    private final List<Violation> violations;

    public InvalidSignalException(List<Violation> violations) {
        super(render(violations));
        this.violations = List.copyOf(violations);
    }

    InvalidSignalException(Violation violation) {
        this(List.of(violation));
    }

    public List<Violation> violations() {
        return violations;
    }

    private static String render(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid signal needs at least one violation");
        }
        return violations.stream().map(Violation::line).collect(Collectors.joining("\n"));
    }
}

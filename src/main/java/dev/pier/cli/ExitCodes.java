package dev.pier.cli;

import dev.pier.pipeline.Run;

/** Pier's exit codes: the same table for every command, the README and {@code pier deploy --help}. */
public final class ExitCodes {

    public static final int SUCCEEDED = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int CONFIG = 3;
    public static final int REFUSED = 4;
    public static final int NOT_FINISHED = 5;
    public static final int CANCELLED = 6;

    public static final String TABLE = """
            Exit codes:
              0  succeeded
              1  the deploy (or a later gate) ran and failed
              2  invalid signal or usage; nothing ran
              3  the node's configuration is invalid
              4  refused by policy: busy with --if-busy fail, held, suspended, rejected,
                 approval expired, outside a window
              5  not finished when the client stopped waiting (e.g. awaiting approval);
                 the run id is printed
              6  cancelled or superseded""";

    private ExitCodes() {}

    public static int of(Run run) {
        return switch (run.status()) {
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> FAILED;
            case REJECTED -> REFUSED;
            case CANCELLED, SUPERSEDED -> CANCELLED;
            case QUEUED, AWAITING_APPROVAL, DEPLOYING, VERIFYING -> NOT_FINISHED;
        };
    }
}

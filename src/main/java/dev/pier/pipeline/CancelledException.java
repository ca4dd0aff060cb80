package dev.pier.pipeline;

/** The run was cancelled (SIGINT/SIGTERM, or an explicit cancel) while it waited or worked. */
public final class CancelledException extends Exception {
    public CancelledException(String reason) {
        super(reason);
    }
}

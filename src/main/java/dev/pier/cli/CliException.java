package dev.pier.cli;

/** A command ends with this exit code and one-line (or few-line) reason; no stack trace unless --verbose. */
public final class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

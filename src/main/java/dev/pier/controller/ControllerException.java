package dev.pier.controller;

/** A request the controller refuses. The kind picks the HTTP status and the CLI exit code. */
public final class ControllerException extends RuntimeException {

    public enum Kind {
        /** 404 */
        NOT_FOUND,
        /** 409: the run is not in a state that allows it, or the decision was already made. */
        CONFLICT,
        /** 422: the environment's policy refuses it (four eyes, …). */
        POLICY,
        /** 503: shutting down. */
        UNAVAILABLE
    }

    private final Kind kind;

    public ControllerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

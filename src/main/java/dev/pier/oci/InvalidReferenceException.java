package dev.pier.oci;

/** A reference or digest that Pier refuses; the message names the part that is wrong. */
public final class InvalidReferenceException extends Exception {

    /** Which kind of mistake, so callers can give each its own rule id. */
    public enum Problem {
        /** Not valid by the reference grammar (characters, host, path, tag). */
        SYNTAX,
        /** No registry host: Pier never assumes docker.io. */
        MISSING_REGISTRY,
        /** A scheme is missing ({@code oci://} required) or present where none is allowed. */
        SCHEME,
        /** The digest is not {@code sha256:} + 64 lower-case hex. */
        DIGEST,
        /** Longer than the grammar or Pier allows. */
        TOO_LONG
    }

    private final Problem problem;

    public InvalidReferenceException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}

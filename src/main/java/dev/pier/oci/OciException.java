package dev.pier.oci;

import java.io.IOException;

/**
 * A registry or content-store operation that failed. The message names the action, the registry and
 * what the registry answered; it never contains credentials or tokens.
 */
public class OciException extends IOException {

    /** What kind of failure, so callers can decide without parsing the message. */
    public enum Kind {
        /** The manifest, blob, tag or repository does not exist. */
        NOT_FOUND,
        /** No credentials, or the credentials were refused (401). */
        UNAUTHORIZED,
        /** Authenticated but not allowed (403). */
        DENIED,
        /** The registry refused the request as invalid (400, 405, 409, 416, ...). */
        INVALID,
        /** Rate limited (429) and still limited after the retries. */
        TOO_MANY_REQUESTS,
        /** The registry failed (5xx) and still failed after the retries. */
        UNAVAILABLE,
        /** The connection failed, was reset or timed out, after the retries. */
        UNREACHABLE,
        /** Content does not match its digest or size: never accepted. */
        CORRUPT,
        /** A manifest or response larger than Pier accepts. */
        TOO_LARGE,
        /** The registry answered something the protocol does not allow. */
        PROTOCOL
    }

    private final Kind kind;
    private final int status;
    private final String code;

    public OciException(Kind kind, int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.code = code;
    }

    public OciException(Kind kind, String message) {
        this(kind, 0, null, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status the registry answered, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The OCI error code (e.g. {@code MANIFEST_UNKNOWN}), or null. */
    public String code() {
        return code;
    }

    /** {@code tried to <action> but <problem>}. */
    public static OciException tried(Kind kind, String action, String problem) {
        return new OciException(kind, 0, null, "tried to " + action + " but " + problem, null);
    }

    /** {@code tried to <action> but <problem>}, keeping the cause. */
    public static OciException tried(Kind kind, String action, String problem, Throwable cause) {
        return new OciException(kind, 0, null, "tried to " + action + " but " + problem, cause);
    }

    /** {@code tried to <action> but <problem>}: content or input Pier refuses (kind {@link Kind#INVALID}). */
    public static OciException tried(String action, String problem) {
        return tried(Kind.INVALID, action, problem);
    }

    public static OciException tried(String action, String problem, Throwable cause) {
        return tried(Kind.INVALID, action, problem, cause);
    }
}

package dev.pier.oci;

import java.io.IOException;

/**
 * A refused or failed OCI operation. The message names the action and the reason, e.g.
 * {@code tried to push manifest acme/app:v1 but it is 5000000 bytes; at most 4194304 are allowed}.
 */
public class OciException extends IOException {

    public OciException(String message) {
        super(message);
    }

    public OciException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code tried to <action> but <problem>}. */
    public static OciException tried(String action, String problem) {
        return new OciException("tried to " + action + " but " + problem);
    }

    /** {@code tried to <action> but <problem>}, keeping the cause. */
    public static OciException tried(String action, String problem, Throwable cause) {
        return new OciException("tried to " + action + " but " + problem, cause);
    }
}

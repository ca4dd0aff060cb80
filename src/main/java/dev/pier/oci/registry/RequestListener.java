package dev.pier.oci.registry;

/** Hears every HTTP exchange with a registry, for metrics. Must be cheap and never throw. */
public interface RequestListener {

    RequestListener NONE = (host, action, status) -> {};

    /**
     * @param host   the registry as references name it
     * @param action what Pier tried, e.g. {@code resolve}
     * @param status the HTTP status, or 0 when no response arrived (connection failure)
     */
    void exchanged(String host, String action, int status);
}

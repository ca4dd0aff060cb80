package dev.pier.oci.registry;

import java.io.IOException;
import java.util.Set;

/** {@code GET /v2/}: the registry speaks the distribution API and accepts our credentials. */
final class Pinger {
    private final Transport transport;

    Pinger(Transport transport) {
        this.transport = transport;
    }

    void ping() throws IOException {
        Action action = new Action("check the API of registry " + transport.endpoint.host());
        transport.exchange(action, Transport.Request.get(transport.endpoint.resolve("/v2/"), null), Set.of(200),
                (status, headers, uri, body) -> null);
    }
}

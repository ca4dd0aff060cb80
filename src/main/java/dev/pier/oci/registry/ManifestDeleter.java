package dev.pier.oci.registry;

import dev.pier.oci.Digest;
import java.io.IOException;
import java.util.Set;

/** {@code DELETE /v2/<name>/manifests/<digest>}: deletes by digest only, never by tag. */
final class ManifestDeleter {
    private final Transport transport;

    ManifestDeleter(Transport transport) {
        this.transport = transport;
    }

    void delete(String repository, Digest digest) throws IOException {
        Names.repository(repository);
        Action action = Action.of("delete", "manifest " + repository + "@" + digest, "from", transport.endpoint.host());
        Transport.Request request = Transport.Request.get(
                        transport.endpoint.resolve("/v2/" + repository + "/manifests/" + digest),
                        Names.delete(repository) + " " + Names.push(repository))
                .method("DELETE", null);
        transport.exchange(action, request, Set.of(200, 202, 204), (status, headers, uri, body) -> null);
    }
}

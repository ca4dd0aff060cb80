package dev.pier.oci.registry;

import dev.pier.oci.Digest;
import java.io.IOException;
import java.util.Set;

/** {@code HEAD /v2/<name>/blobs/<digest>}. */
final class BlobChecker {
    private final Transport transport;

    BlobChecker(Transport transport) {
        this.transport = transport;
    }

    boolean exists(String repository, Digest digest) throws IOException {
        Names.repository(repository);
        Action action = Action.of("check", "blob " + repository + "@" + digest, "on", transport.endpoint.host());
        Transport.Request request = Transport.Request.get(
                transport.endpoint.resolve("/v2/" + repository + "/blobs/" + digest), Names.pull(repository))
                .method("HEAD", null).followingRedirects();
        return transport.exchange(action, request, Set.of(200, 404), (status, headers, uri, body) -> status == 200);
    }
}

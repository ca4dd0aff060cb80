package dev.pier.oci.registry;

import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code PUT /v2/<name>/manifests/<tag|digest>} with the bytes unchanged. */
final class ManifestPusher {
    private final Transport transport;

    ManifestPusher(Transport transport) {
        this.transport = transport;
    }

    /** Pushes and says whether the registry reported an {@code OCI-Subject} (it has the referrers API). */
    record Pushed(Digest digest, boolean subjectAcknowledged) {}

    Digest push(String repository, String tag, byte[] bytes, String mediaType) throws IOException {
        return pushed(repository, tag, bytes, mediaType).digest();
    }

    Pushed pushed(String repository, String tag, byte[] bytes, String mediaType) throws IOException {
        Names.repository(repository);
        Digest digest = ManifestGetter.sha256(bytes);
        String ref = tag == null ? digest.toString() : Names.tag(tag);
        Action action = Action.of("push", "manifest " + Names.display(repository, ref), "to", transport.endpoint.host());
        if (bytes.length > Manifest.MAX_BYTES) {
            throw RegistryErrors.tooLarge(action, Manifest.MAX_BYTES);
        }
        if (mediaType == null || mediaType.isBlank()) {
            throw new IllegalArgumentException("a manifest needs a media type to be pushed");
        }
        Transport.Request request = Transport.Request.get(
                        transport.endpoint.resolve("/v2/" + repository + "/manifests/" + ref), Names.push(repository))
                .withHeaders(Map.of("Content-Type", mediaType)).method("PUT", bytes);
        boolean acknowledged = transport.exchange(action, request, Set.of(201, 200), (status, headers, uri, body) -> {
            Optional<String> claimed = headers.firstValue("Docker-Content-Digest");
            if (claimed.isPresent() && !claimed.get().equals(digest.toString())) {
                throw RegistryErrors.corrupt(action, "the registry stored it as " + "'" + dev.pier.oci.Quote.printable(claimed.get(), 100) + "'"
                        + " instead of " + digest);
            }
            return headers.firstValue("OCI-Subject").isPresent();
        });
        return new Pushed(digest, acknowledged);
    }
}

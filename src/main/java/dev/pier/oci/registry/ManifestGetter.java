package dev.pier.oci.registry;

import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET} and {@code HEAD /v2/<name>/manifests/<reference>}: exact bytes, capped at 4 MiB while they
 * stream, verified against the requested digest and against {@code Docker-Content-Digest}.
 */
final class ManifestGetter {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String ACCEPT = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

    private final Transport transport;

    ManifestGetter(Transport transport) {
        this.transport = transport;
    }

    Manifest get(String repository, String tagOrDigest) throws IOException {
        Action action = action("fetch", repository, tagOrDigest);
        return find(action, repository, tagOrDigest, false)
                .orElseThrow(() -> new IllegalStateException("unreachable: 404 is an error here"));
    }

    /** Empty on 404. */
    Optional<Manifest> find(String repository, String tagOrDigest) throws IOException {
        return find(action("fetch", repository, tagOrDigest), repository, tagOrDigest, true);
    }

    private Optional<Manifest> find(Action action, String repository, String tagOrDigest, boolean notFoundIsEmpty)
            throws IOException {
        String ref = Names.reference(tagOrDigest);
        Transport.Request request = Transport.Request.get(url(repository, ref), Names.pull(Names.repository(repository)))
                .withHeaders(Map.of("Accept", ACCEPT));
        Set<Integer> expected = notFoundIsEmpty ? Set.of(200, 404) : Set.of(200);
        return transport.exchange(action, request, expected, (status, headers, uri, body) -> {
            if (status == 404) {
                return Optional.empty();
            }
            byte[] bytes = Transport.readCapped(action, headers, body, Manifest.MAX_BYTES);
            Digest actual = sha256(bytes);
            verify(action, ref, headers, actual);
            return Optional.of(new Manifest(bytes, mediaType(headers, bytes), actual));
        });
    }

    /** HEAD, then GET when the registry does not say the digest; empty on 404. */
    Optional<Descriptor> resolve(String repository, String tagOrDigest) throws IOException {
        Action action = action("resolve", repository, tagOrDigest);
        String ref = Names.reference(tagOrDigest);
        Transport.Request head = Transport.Request.get(url(repository, ref), Names.pull(Names.repository(repository)))
                .withHeaders(Map.of("Accept", ACCEPT)).method("HEAD", null);
        Optional<Optional<Descriptor>> viaHead = transport.exchange(action, head, Set.of(200, 404),
                (status, headers, uri, body) -> {
                    if (status == 404) {
                        return Optional.of(Optional.empty());
                    }
                    Optional<String> digest = headers.firstValue("Docker-Content-Digest");
                    long size = headers.firstValueAsLong("Content-Length").orElse(-1);
                    Optional<String> type = headers.firstValue("Content-Type").map(ManifestGetter::bareType);
                    if (digest.isEmpty() || size < 0 || type.isEmpty() || !isManifestType(type.get())) {
                        return Optional.empty();
                    }
                    Digest d = parseDigest(action, digest.get());
                    if (Names.isDigest(ref) && !d.toString().equals(ref)) {
                        throw RegistryErrors.corrupt(action, "the registry answered digest " + d + " for " + ref);
                    }
                    if (size > Manifest.MAX_BYTES) {
                        throw RegistryErrors.tooLarge(action, Manifest.MAX_BYTES);
                    }
                    return Optional.of(Optional.of(Descriptor.of(type.get(), d, size)));
                });
        if (viaHead.isPresent()) {
            return viaHead.get();
        }
        return find(action, repository, tagOrDigest, true)
                .map(m -> Descriptor.of(m.mediaType(), m.digest(), m.bytes().length));
    }

    private static void verify(Action action, String ref, HttpHeaders headers, Digest actual) throws IOException {
        if (Names.isDigest(ref) && !actual.toString().equals(ref)) {
            throw RegistryErrors.corrupt(action, "the bytes received have digest " + actual);
        }
        Optional<String> claimed = headers.firstValue("Docker-Content-Digest");
        if (claimed.isPresent() && !claimed.get().equals(actual.toString())) {
            throw RegistryErrors.corrupt(action, "the registry said digest " + "'" + dev.pier.oci.Quote.printable(claimed.get(), 100) + "'"
                    + " but the bytes received have digest " + actual);
        }
    }

    static Digest parseDigest(Action action, String text) throws IOException {
        try {
            return Digest.parse(text);
        } catch (dev.pier.oci.InvalidReferenceException e) {
            throw RegistryErrors.protocol(action, "the registry answered an unusable digest: " + e.getMessage());
        }
    }

    /** The Content-Type, or the document's own {@code mediaType} when the header is missing or generic. */
    static String mediaType(HttpHeaders headers, byte[] bytes) {
        Optional<String> type = headers.firstValue("Content-Type").map(ManifestGetter::bareType);
        if (type.isPresent() && isManifestType(type.get())) {
            return type.get();
        }
        try {
            String inDocument = RegistryJson.tree(bytes).path("mediaType").asText(null);
            if (inDocument != null) {
                return inDocument;
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: keep whatever the header said
        }
        return type.orElse("application/octet-stream");
    }

    static boolean isManifestType(String type) {
        return type.startsWith("application/vnd.") && type.endsWith("+json");
    }

    static String bareType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    static Digest sha256(byte[] bytes) {
        try {
            return new Digest(Digest.SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private java.net.URI url(String repository, String ref) {
        return transport.endpoint.resolve("/v2/" + Names.repository(repository) + "/manifests/" + ref);
    }

    private Action action(String verb, String repository, String tagOrDigest) {
        return Action.of(verb, "manifest " + Names.display(repository, tagOrDigest), "from", transport.endpoint.host());
    }
}

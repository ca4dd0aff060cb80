package dev.pier.oci.registry;

import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.Manifest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Manifests that name a digest as their {@code subject}: the referrers API
 * ({@code GET /v2/<name>/referrers/<digest>?artifactType=}), or, where it answers 404, the referrers tag
 * schema ({@code sha256-<hex>} tagging an index). The artifact type is filtered here when the registry did not.
 */
final class ReferrersLister {
    private final Transport transport;
    private final ManifestGetter manifests;

    ReferrersLister(Transport transport, ManifestGetter manifests) {
        this.transport = transport;
        this.manifests = manifests;
    }

    private record Page(boolean apiMissing, List<Descriptor> descriptors, boolean filtered, Optional<URI> next) {}

    List<Descriptor> list(String repository, Digest digest, String artifactType) throws IOException {
        Names.repository(repository);
        Action action = Action.of("list", "referrers of " + repository + "@" + digest, "on", transport.endpoint.host());
        URI uri = transport.endpoint.resolve("/v2/" + repository + "/referrers/" + digest
                + (artifactType == null ? "" : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8)));
        List<Descriptor> all = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        boolean first = true;
        while (uri != null) {
            if (!seen.add(uri) || seen.size() > TagLister.MAX_PAGES) {
                throw RegistryErrors.protocol(action, "the registry's referrers pages loop");
            }
            URI current = uri;
            boolean firstPage = first;
            Transport.Request request = Transport.Request.get(uri, Names.pull(repository))
                    .withHeaders(Map.of("Accept", ManifestGetter.OCI_INDEX));
            Page page = transport.exchange(action, request, firstPage ? Set.of(200, 404) : Set.of(200),
                    (status, headers, at, body) -> {
                        if (status == 404) {
                            return new Page(true, List.of(), false, Optional.empty());
                        }
                        byte[] bytes = Transport.readCapped(action, headers, body, Manifest.MAX_BYTES);
                        boolean filtered = headers.allValues("OCI-Filters-Applied").stream()
                                .anyMatch(v -> v.contains("artifactType"));
                        return new Page(false, descriptors(action, bytes), filtered,
                                LinkHeader.next(action, headers, current, transport.endpoint));
                    });
            first = false;
            if (page.apiMissing()) {
                return viaTagSchema(repository, digest, artifactType);
            }
            all.addAll(page.filtered() ? page.descriptors() : filter(page.descriptors(), artifactType));
            uri = page.next().orElse(null);
        }
        return all;
    }

    private List<Descriptor> viaTagSchema(String repository, Digest digest, String artifactType) throws IOException {
        Optional<Manifest> index = manifests.find(repository, digest.algorithm() + "-" + digest.hex());
        if (index.isEmpty()) {
            return List.of();
        }
        Action action = Action.of("read", "referrers tag " + repository + ":" + digest.algorithm() + "-" + digest.hex(),
                "on", transport.endpoint.host());
        return filter(descriptors(action, index.get().bytes()), artifactType);
    }

    private static List<Descriptor> descriptors(Action action, byte[] bytes) throws IOException {
        try {
            return RegistryJson.descriptors(RegistryJson.tree(bytes));
        } catch (InvalidReferenceException e) {
            throw RegistryErrors.protocol(action, "a referrer has an unusable digest: " + e.getMessage());
        } catch (IOException e) {
            throw RegistryErrors.protocol(action, "the referrers index is not JSON");
        }
    }

    private static List<Descriptor> filter(List<Descriptor> descriptors, String artifactType) {
        if (artifactType == null) {
            return descriptors;
        }
        return descriptors.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
    }
}

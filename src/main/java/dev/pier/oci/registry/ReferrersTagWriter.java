package dev.pier.oci.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import java.io.IOException;
import java.util.Optional;

/**
 * The client's half of the referrers tag schema: after a manifest with a {@code subject} is pushed to a
 * registry that did not answer {@code OCI-Subject} (no referrers API), adds it to the index tagged
 * {@code sha256-<subject hex>}. Concurrent writers can race, as the distribution spec acknowledges.
 */
final class ReferrersTagWriter {
    private final ManifestGetter getter;
    private final ManifestPusher pusher;

    ReferrersTagWriter(ManifestGetter getter, ManifestPusher pusher) {
        this.getter = getter;
        this.pusher = pusher;
    }

    /** Subject digest of a pushed manifest, if it names one. */
    static Optional<Digest> subject(byte[] bytes) {
        try {
            JsonNode subject = RegistryJson.tree(bytes).path("subject").path("digest");
            return subject.isTextual() ? Optional.of(Digest.parse(subject.asText())) : Optional.empty();
        } catch (IOException | dev.pier.oci.InvalidReferenceException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void add(String repository, Digest subject, byte[] manifest, String mediaType, Digest digest) throws IOException {
        String tag = subject.algorithm() + "-" + subject.hex();
        Optional<Manifest> existing = getter.find(repository, tag);
        ObjectNode index;
        if (existing.isPresent()) {
            JsonNode tree = RegistryJson.tree(existing.get().bytes());
            index = tree instanceof ObjectNode o ? o : newIndex();
        } else {
            index = newIndex();
        }
        ArrayNode manifests = index.path("manifests") instanceof ArrayNode a ? a : index.putArray("manifests");
        for (JsonNode m : manifests) {
            if (digest.toString().equals(m.path("digest").asText())) {
                return;
            }
        }
        JsonNode pushed = RegistryJson.tree(manifest);
        ObjectNode entry = manifests.addObject();
        entry.put("mediaType", mediaType);
        entry.put("digest", digest.toString());
        entry.put("size", manifest.length);
        String artifactType = pushed.hasNonNull("artifactType") ? pushed.get("artifactType").asText()
                : pushed.path("config").path("mediaType").asText(null);
        if (artifactType != null) {
            entry.put("artifactType", artifactType);
        }
        if (pushed.path("annotations").isObject() && !pushed.path("annotations").isEmpty()) {
            entry.set("annotations", pushed.get("annotations"));
        }
        pusher.push(repository, tag, RegistryJson.MAPPER.writeValueAsBytes(index), ManifestGetter.OCI_INDEX);
    }

    private static ObjectNode newIndex() {
        ObjectNode index = RegistryJson.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", ManifestGetter.OCI_INDEX);
        index.putArray("manifests");
        return index;
    }
}

package dev.pier.oci.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.InvalidReferenceException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the registry's JSON documents as trees; never re-serialises manifests. */
final class RegistryJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RegistryJson() {}

    static JsonNode tree(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    /** The {@code manifests} of an index (or referrers response) as descriptors. */
    static List<Descriptor> descriptors(JsonNode index) throws InvalidReferenceException {
        List<Descriptor> out = new ArrayList<>();
        JsonNode manifests = index.path("manifests");
        if (!manifests.isArray()) {
            return out;
        }
        for (JsonNode m : manifests) {
            Map<String, String> annotations = new LinkedHashMap<>();
            m.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
            String artifactType = m.hasNonNull("artifactType") ? m.get("artifactType").asText() : null;
            out.add(new Descriptor(m.path("mediaType").asText(null), Digest.parse(m.path("digest").asText("")),
                    m.path("size").asLong(-1), artifactType, annotations));
        }
        return out;
    }
}

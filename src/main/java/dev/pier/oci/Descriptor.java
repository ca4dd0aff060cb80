package dev.pier.oci;

import java.util.Map;

/**
 * An OCI content descriptor: what a manifest, index or referrers list says about one blob or manifest.
 *
 * @param artifactType the artifact type, when the descriptor names one (referrers); may be null
 * @param annotations  may be empty, never null
 */
public record Descriptor(String mediaType, Digest digest, long size, String artifactType,
                         Map<String, String> annotations) {
    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, Map.of());
    }
}

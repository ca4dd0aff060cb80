package dev.pier.oci.registry;

import dev.pier.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Test content: deterministic blobs and minimal OCI manifests. */
final class Blobs {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";

    private Blobs() {}

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static Digest digest(byte[] bytes) {
        try {
            return new Digest("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final byte[] CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

    /** An image manifest with the empty config and one layer; optionally a subject and artifact type. */
    static byte[] manifest(byte[] layer, String artifactType, Digest subject, long subjectSize) {
        String subjectJson = subject == null ? "" : ",\"subject\":{\"mediaType\":\"" + OCI_MANIFEST
                + "\",\"digest\":\"" + subject + "\",\"size\":" + subjectSize + "}";
        String typeJson = artifactType == null ? "" : "\"artifactType\":\"" + artifactType + "\",";
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"," + typeJson
                + "\"config\":{\"mediaType\":\"" + EMPTY_CONFIG + "\",\"digest\":\"" + digest(CONFIG)
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/octet-stream\",\"digest\":\""
                + digest(layer) + "\",\"size\":" + layer.length + "}]" + subjectJson + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}

package dev.pier.oci;

/**
 * A manifest (or index) exactly as stored: Pier never re-serialises one, because a single changed byte
 * changes its digest. {@code digest} has been verified against {@code bytes}.
 */
public record Manifest(byte[] bytes, String mediaType, Digest digest) {

    /** Registries and Pier refuse larger manifests (the distribution spec's common limit). */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    public Manifest {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}

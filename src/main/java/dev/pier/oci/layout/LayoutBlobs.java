package dev.pier.oci.layout;

import static dev.pier.oci.OciException.tried;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Where a layout keeps its blobs, and how a manifest blob is read back: size-capped and verified. */
final class LayoutBlobs {

    private LayoutBlobs() {}

    static Path blobPath(Path dir, Digest digest) {
        return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    static byte[] readManifestBlob(Path dir, Digest digest, long expectedSize, String action) throws IOException {
        Path blob = blobPath(dir, digest);
        if (!Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
            throw tried(OciException.Kind.CORRUPT, action, "the index names " + digest + " but the layout has no such blob");
        }
        long size = Files.size(blob);
        if (size > Manifest.MAX_BYTES) {
            throw tried(action, "the manifest is " + size + " bytes; at most " + Manifest.MAX_BYTES + " are allowed");
        }
        byte[] bytes = Files.readAllBytes(blob);
        if (expectedSize >= 0 && bytes.length != expectedSize) {
            throw tried(action, "the manifest on disk is " + bytes.length + " bytes, not the " + expectedSize
                    + " the index says: the layout is corrupt");
        }
        Digest actual = sha256(bytes);
        if (!actual.equals(digest)) {
            throw tried(OciException.Kind.CORRUPT, action, "the manifest on disk has digest " + actual + ": the layout is corrupt");
        }
        return bytes;
    }

    static List<JsonNode> referencedBlobs(ObjectNode manifest) {
        List<JsonNode> referenced = new ArrayList<>();
        if (manifest.has("config")) {
            referenced.add(manifest.get("config"));
        }
        manifest.path("layers").forEach(referenced::add);
        manifest.path("manifests").forEach(referenced::add);
        return referenced;
    }

    static Digest digestOf(MessageDigest sha) {
        return new Digest(Digest.SHA256, HexFormat.of().formatHex(sha.digest()));
    }

    static Digest sha256(byte[] bytes) {
        return new Digest(Digest.SHA256, HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

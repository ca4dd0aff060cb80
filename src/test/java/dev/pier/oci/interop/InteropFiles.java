package dev.pier.oci.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Small trees to push, whole-tree snapshots to compare, and sha256 of files for the interop tests. */
final class InteropFiles {
    private InteropFiles() {}

    /** A tree with a nested directory, an empty directory and a few small files. */
    static Path sampleTree(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("deploy/overlays/prod"));
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("deploy/base.yaml"), "kind: Deployment\nmetadata:\n  name: api\n");
        Files.writeString(dir.resolve("deploy/overlays/prod/patch.yaml"), "replicas: 3\n");
        Files.writeString(dir.resolve("README.md"), "interop sample: ünïcode and\ttabs\n");
        return dir;
    }

    /** Relative path to content ("<dir>" for directories, "<link>" for links) for a whole-tree comparison. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.toList()) {
                if (path.equals(root)) {
                    continue;
                }
                String name = root.relativize(path).toString();
                if (Files.isSymbolicLink(path)) {
                    entries.put(name, "<link>");
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    entries.put(name, "<dir>");
                } else {
                    entries.put(name, Files.readString(path, StandardCharsets.UTF_8));
                }
            }
        }
        return entries;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}

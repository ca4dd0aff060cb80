package dev.pier.oci.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Small source trees for the artifact tests, and a way to compare trees. */
final class Trees {
    private Trees() {}

    /** A small deployable tree with a nested dir, an empty dir and an executable script. */
    static Path sample(Path dir, Instant mtime) throws IOException {
        Files.createDirectories(dir.resolve("deploy/overlays/prod"));
        Files.createDirectories(dir.resolve("empty"));
        write(dir.resolve("deploy/base.yaml"), "kind: Deployment\n", "rw-r--r--", mtime);
        write(dir.resolve("deploy/overlays/prod/patch.yaml"), "replicas: 3\n", "rw-------", mtime);
        write(dir.resolve("run.sh"), "#!/bin/sh\necho hi\n", "rwxr-x---", mtime);
        write(dir.resolve("README"), "readme", "rw-rw-r--", mtime);
        Files.setLastModifiedTime(dir.resolve("deploy"), FileTime.from(mtime));
        return dir;
    }

    static void write(Path file, String content, String permissions, Instant mtime) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        Files.setLastModifiedTime(file, FileTime.from(mtime));
    }

    /** Relative path → content ("<dir>" for directories), for a whole-tree comparison. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.toList()) {
                if (path.equals(root)) {
                    continue;
                }
                String name = root.relativize(path).toString().replace('\\', '/');
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    entries.put(name, "<dir>");
                } else if (Files.isSymbolicLink(path)) {
                    entries.put(name, "<link>");
                } else {
                    entries.put(name, Files.readString(path, StandardCharsets.ISO_8859_1)
                            + (Files.isExecutable(path) ? " <x>" : ""));
                }
            }
        }
        return entries;
    }

    static Map<String, String> listing(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.list(dir)) {
            all.forEach(p -> entries.put(p.getFileName().toString(), Files.isDirectory(p) ? "<dir>" : "<file>"));
        }
        return entries;
    }
}

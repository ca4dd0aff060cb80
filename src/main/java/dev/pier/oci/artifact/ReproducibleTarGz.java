package dev.pier.oci.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Packs a directory as Flux does, so that the same tree always gives the same bytes: entries in
 * depth-first, name-sorted order (as Go's {@code filepath.Walk}), relative {@code /} paths, directories with
 * a trailing {@code /}, uid/gid 0, empty user and group names, zero mtimes, modes 0755 for directories and
 * executables and 0644 for other files; gzip with mtime 0, no file name and OS byte 255. Symbolic links and
 * special files are skipped; ignored paths (and everything below an ignored directory) are left out.
 * The bytes are stable for one deflate implementation (the JDK's zlib).
 */
public final class ReproducibleTarGz {

    static final int FILE_MODE = 0100644;
    static final int EXECUTABLE_MODE = 0100755;
    static final int DIRECTORY_MODE = 040755;

    /** What was packed. */
    public record Summary(int files, int directories, long contentBytes) {}

    private ReproducibleTarGz() {}

    public static Summary write(Path dir, IgnoreRules ignore, OutputStream out) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot pack " + dir + ": it is not a directory");
        }
        int[] counts = new int[2];
        long[] bytes = new long[1];
        // Compress on every core (fixed 1 MiB blocks keep the output reproducible; docs/benchmarks.md).
        ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(new NonClosing(out),
                Math.max(1, Runtime.getRuntime().availableProcessors()));
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                new java.io.BufferedOutputStream(gzip, 256 * 1024), "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            walk(dir, "", ignore, tar, counts, bytes);
            tar.finish();
        }
        return new Summary(counts[0], counts[1], bytes[0]);
    }

    private static void walk(Path dir, String prefix, IgnoreRules ignore, TarArchiveOutputStream tar,
                             int[] counts, long[] bytes) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = new ArrayList<>(list.toList());
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path child : children) {
            String name = prefix + child.getFileName().toString();
            BasicFileAttributes attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isDirectory()) {
                if (ignore.ignores(name, true)) {
                    continue;
                }
                TarArchiveEntry entry = entry(name + "/", DIRECTORY_MODE);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
                counts[1]++;
                walk(child, name + "/", ignore, tar, counts, bytes);
            } else if (attributes.isRegularFile()) {
                if (ignore.ignores(name, false)) {
                    continue;
                }
                TarArchiveEntry entry = entry(name, executable(child) ? EXECUTABLE_MODE : FILE_MODE);
                entry.setSize(attributes.size());
                tar.putArchiveEntry(entry);
                try (InputStream in = Files.newInputStream(child, LinkOption.NOFOLLOW_LINKS)) {
                    long copied = in.transferTo(tar);
                    if (copied != attributes.size()) {
                        throw new IOException("cannot pack " + child + ": it changed size while it was read");
                    }
                    bytes[0] += copied;
                }
                tar.closeArchiveEntry();
                counts[0]++;
            }
            // symbolic links, sockets, FIFOs and devices are skipped, as Flux skips them
        }
    }

    private static TarArchiveEntry entry(String name, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setMode(mode);
        entry.setIds(0, 0);
        entry.setNames("", "");
        entry.setModTime(FileTime.fromMillis(0));
        return entry;
    }

    private static boolean executable(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.isExecutable(file);
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        return permissions.contains(PosixFilePermission.OWNER_EXECUTE);
    }

    /** Lets the caller keep using (and close) its own stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

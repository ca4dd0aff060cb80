package dev.pier.oci.artifact;

import static dev.pier.oci.OciException.tried;
import static dev.pier.oci.Quote.quote;

import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.OciException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts an untrusted tar+gzip stream. Refused, with a message naming the entry: {@code ..} components,
 * absolute paths, backslashes, symbolic and hard links (none are extracted), devices, FIFOs and other
 * special entries, duplicate paths, and streams beyond the {@link ExtractionLimits} (size, entries,
 * compression ratio). Nothing is written outside the target: the stream is extracted into a fresh temp
 * directory created inside the target's parent, which is renamed to the target only when everything is
 * verified (including the layer digest, computed while streaming) and deleted on any failure.
 *
 * <p>Three stages overlap: an inflater thread, this thread checking tar entries, and {@link FileWriters}
 * creating the files. Files thus exist in the staging directory before the digest is known; the rename waits
 * for every writer and the digest, and on failure the writers are stopped before the directory is deleted.
 */
public final class SafeExtractor {

    /** What was extracted. */
    public record Result(Path directory, int files, int directories, long uncompressedBytes) {}

    /** Threads creating files (see {@link FileWriters}). */
    static final int WRITERS = Integer.getInteger("pier.extract.writers", FileWriters.defaultThreads());

    private SafeExtractor() {}

    /**
     * Extracts {@code tarGz} to {@code target}, which must not exist or be an empty directory; its parent must
     * exist. When {@code expected} is given, the compressed stream must have exactly its size and digest.
     */
    public static Result extract(InputStream tarGz, Path target, ExtractionLimits limits, Descriptor expected)
            throws OciException {
        Path destination = target.toAbsolutePath().normalize();
        String action = "extract " + (expected == null ? "an archive" : expected.digest().toString()) + " to " + destination;
        Path parent = destination.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw tried(action, "its parent directory " + parent + " does not exist");
        }
        boolean replaceEmpty = false;
        if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS) || !isEmpty(destination)) {
                throw tried(action, "the target already exists and is not an empty directory");
            }
            replaceEmpty = true;
        }
        Path staging;
        try {
            staging = Files.createTempDirectory(parent, "." + destination.getFileName() + ".pier-extract-");
        } catch (IOException e) {
            throw tried(action, "a temp directory could not be created in " + parent + ": " + e.getMessage(), e);
        }
        try {
            Result result = extractInto(tarGz, staging, limits, expected, action);
            permissions(staging, "rwxr-xr-x"); // temp directories are created 0700
            if (replaceEmpty) {
                Files.delete(destination);
            }
            Files.move(staging, destination, StandardCopyOption.ATOMIC_MOVE);
            return new Result(destination, result.files(), result.directories(), result.uncompressedBytes());
        } catch (OciException e) {
            deleteQuietly(staging);
            throw e;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(staging);
            throw tried(action, "it failed: " + e, e);
        }
    }

    /**
     * Two threads: an inflater (digest, gunzip and the size and ratio limits, on a virtual thread) hands
     * 64 KiB chunks of tar to this thread, which checks the entries and hands the files to
     * {@link FileWriters}. Inflating and creating files, the two costly parts, thus overlap.
     */
    private static Result extractInto(InputStream raw, Path staging, ExtractionLimits limits, Descriptor expected,
                                      String action) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        Counting compressed = new Counting(new DigestInputStream(raw, sha));
        Guard guard = new Guard(compressed, limits, action);
        Entries entries;
        try {
            BlobPipe.Outcome<Entries> outcome = BlobPipe.run("pier-inflate", out -> inflate(compressed, guard, out),
                    tar -> untar(tar, staging, limits, action));
            if (outcome.writerFailure() != null) {
                throw outcome.writerFailure();
            }
            entries = outcome.result();
        } catch (OciException e) {
            throw guard.violation != null ? guard.violation : e;
        } catch (IOException e) {
            if (guard.violation != null) {
                throw guard.violation;
            }
            throw tried(action, "it is not a valid tar+gzip stream: " + e.getMessage(), e);
        }
        if (guard.violation != null) {
            throw guard.violation;
        }
        if (expected != null) {
            verify(compressed, sha, expected, action);
        }
        return new Result(staging, entries.files(), entries.directories(), guard.uncompressed);
    }

    /** The inflater: gunzips everything up to the end of the gzip stream into {@code out}. */
    private static void inflate(Counting compressed, Guard guard, OutputStream out) throws IOException {
        // java.util.zip, not commons-compress 1.28: 'helm package' writes a gzip FEXTRA field that is not made
        // of RFC 1952 subfields (helm/helm#31844), which commons-compress 1.28 refuses (COMPRESS-705, fixed in
        // 1.29) while the JDK, Go and gzip skip it. Like Go's reader, it reads concatenated gzip members.
        // A 64 KiB inflater buffer: the default 512 bytes means a read through the digest chain per 512 bytes.
        guard.source = new GZIPInputStream(compressed, 64 * 1024);
        byte[] buffer = new byte[BlobPipe.CHUNK];
        int n;
        while ((n = guard.read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
        }
    }

    private record Entries(int files, int directories) {}

    /** Checks every entry and has its file written; reads {@code in} to its end (tar padding included). */
    private static Entries untar(InputStream in, Path staging, ExtractionLimits limits, String action)
            throws IOException {
        int files = 0;
        int directories = 0;
        int entries = 0;
        Set<String> seen = new HashSet<>();
        Set<Path> madeDirectories = new HashSet<>();
        boolean posix = staging.getFileSystem().supportedFileAttributeViews().contains("posix");
        try (FileWriters writers = new FileWriters("pier-extract", WRITERS, action, posix)) {
            TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries++;
                if (entries > limits.maxEntries()) {
                    throw tried(action, "the archive has more than " + limits.maxEntries() + " entries");
                }
                String name = entry.getName();
                String relative = TarEntryRules.checkedPath(name, action);
                TarEntryRules.checkType(entry, action);
                if (relative.isEmpty()) {
                    continue;
                }
                if (!seen.add(relative)) {
                    throw tried(action, "entry " + quote(name) + " appears twice in the archive");
                }
                Path path = staging.resolve(relative).normalize();
                if (!path.startsWith(staging) || path.equals(staging)) {
                    throw tried(action, "entry " + quote(name) + " would be written outside the target");
                }
                try {
                    if (entry.isDirectory()) {
                        Files.createDirectories(path);
                        madeDirectories.add(path);
                        permissions(path, "rwxr-xr-x");
                        directories++;
                    } else {
                        if (madeDirectories.add(path.getParent())) {
                            Files.createDirectories(path.getParent()); // once per directory, not per file
                        }
                        boolean exec = (entry.getMode() & 0100) != 0;
                        long size = entry.getSize();
                        if (size >= 0 && size <= FileWriters.MAX_HANDED_OVER) {
                            // Read here; created and written by a writer thread while the next entries are read.
                            writers.reserve((int) size);
                            byte[] content = tar.readNBytes((int) size);
                            if (content.length != size) {
                                throw tried(action, "entry " + quote(name) + " is cut short");
                            }
                            writers.submit(path, content, exec, name);
                        } else {
                            try (OutputStream out = Channels.newOutputStream(writers.open(path, exec, name))) {
                                tar.transferTo(out);
                            }
                            writers.afterCreate(path, exec);
                        }
                        files++;
                    }
                } catch (FileAlreadyExistsException e) {
                    throw tried(action, "entry " + quote(name) + " conflicts with an earlier entry of another type");
                }
            }
            // The rest of the gzip member (tar padding) counts against the limits too.
            in.transferTo(OutputStream.nullOutputStream());
            writers.finish();
        }
        return new Entries(files, directories);
    }

    /** Reads what follows the gzip member; the whole layer must have exactly the descriptor's size and digest. */
    private static void verify(Counting compressed, MessageDigest sha, Descriptor expected, String action)
            throws IOException {
        long remaining = expected.size() - compressed.count;
        if (remaining < 0) {
            throw tried(action, "the layer is longer than the " + expected.size() + " bytes its descriptor says");
        }
        byte[] buffer = new byte[64 * 1024];
        while (compressed.count <= expected.size()
                && compressed.read(buffer, 0, (int) Math.min(buffer.length, expected.size() - compressed.count + 1)) >= 0) {
            // drain what follows the gzip member, so that the digest covers the whole layer
        }
        if (compressed.count != expected.size()) {
            throw tried(action, "the layer is " + compressed.count + " bytes, not the " + expected.size()
                    + " its descriptor says");
        }
        Digest actual = new Digest(Digest.SHA256, HexFormat.of().formatHex(sha.digest()));
        if (!actual.equals(expected.digest())) {
            throw tried(action, "the layer's digest is " + actual + ", not " + expected.digest());
        }
    }

    private static final java.util.Map<String, java.util.Set<java.nio.file.attribute.PosixFilePermission>> MODES =
            java.util.Map.of("rwxr-xr-x", PosixFilePermissions.fromString("rwxr-xr-x"),
                    "rw-r--r--", PosixFilePermissions.fromString("rw-r--r--"));

    private static void permissions(Path path, String permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, MODES.getOrDefault(permissions,
                    PosixFilePermissions.fromString(permissions)));
        }
    }

    private static boolean isEmpty(Path dir) throws OciException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        } catch (IOException e) {
            throw tried("extract to " + dir, "it could not be listed: " + e.getMessage(), e);
        }
    }

    /** Deletes a tree this class created; it never contains links, and none are followed. */
    static void deleteQuietly(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (DirectoryNotEmptyException ignored) {
                        // left for the caller's report; should not happen
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: the failure being reported matters more
        }
    }

    /** Counts the compressed bytes read. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** Sits between gzip and tar: counts uncompressed bytes and stops at a limit. */
    private static final class Guard extends InputStream {
        final Counting compressed;
        final ExtractionLimits limits;
        final String action;
        InputStream source;
        long uncompressed;
        volatile OciException violation;

        Guard(Counting compressed, ExtractionLimits limits, String action) {
            this.compressed = compressed;
            this.limits = limits;
            this.action = action;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (violation != null) {
                throw violation;
            }
            int n = source.read(b, off, len);
            if (n > 0) {
                uncompressed += n;
                check();
            }
            return n;
        }

        private void check() throws OciException {
            if (uncompressed > limits.maxTotalBytes()) {
                violation = tried(action, "it uncompresses to more than " + limits.maxTotalBytes() + " bytes");
            } else if (uncompressed > ExtractionLimits.RATIO_GRACE_BYTES
                    && uncompressed / Math.max(1, compressed.count) > limits.maxCompressionRatio()) {
                violation = tried(action, "it expands more than " + limits.maxCompressionRatio()
                        + " times (" + compressed.count + " compressed bytes gave " + uncompressed
                        + "): a decompression bomb?");
            }
            if (violation != null) {
                throw violation;
            }
        }
    }
}

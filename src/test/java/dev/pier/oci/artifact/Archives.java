package dev.pier.oci.artifact;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/** Archives written directly with commons-compress, as an attacker would write them. */
final class Archives {
    private Archives() {}

    interface Body {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    static byte[] tarGz(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, body);
        return out.toByteArray();
    }

    static void write(OutputStream out, Body body) throws IOException {
        write(out, Deflater.BEST_SPEED, body);
    }

    static void write(OutputStream out, int level, Body body) throws IOException {
        GzipParameters parameters = new GzipParameters();
        parameters.setCompressionLevel(level);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out, parameters))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            body.write(tar);
        }
    }

    /**
     * The archive produced on a virtual thread into a pipe, so a huge archive never exists whole; when the
     * reader stops early the writer fails with "Pipe closed" and ends.
     */
    static InputStream streamed(Body body) {
        return streamed(Deflater.BEST_SPEED, body);
    }

    static InputStream streamed(int level, Body body) {
        return BlobPipe.streamed("test-archive", out -> write(out, level, body));
    }

    static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    static void special(TarArchiveOutputStream tar, String name, byte type, String linkName) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        if (linkName != null) {
            entry.setLinkName(linkName);
        }
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }
}

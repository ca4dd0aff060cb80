package dev.pier.oci.artifact;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip member whose deflate stream is compressed in fixed-size blocks on several threads, the way pigz
 * does: each block is primed with the last 32 KiB of the block before as its dictionary and ends on a sync
 * flush, so the output is a single ordinary deflate stream. Block boundaries depend only on the input, so the
 * same bytes always give the same output (for the JDK's zlib), whatever the thread count or timing.
 * Header: mtime 0, no name, OS 255, as {@link ReproducibleTarGz} has always written.
 */
final class ParallelGzipOutputStream extends OutputStream {

    static final int BLOCK = 1 << 20;
    private static final int DICTIONARY = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final OutputStream out;
    private final ExecutorService pool;
    private final int maxInFlight;
    private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private byte[] block = new byte[BLOCK];
    private int filled;
    private byte[] previousTail = new byte[0];
    private long total;
    private boolean closed;

    ParallelGzipOutputStream(OutputStream out, int threads) throws IOException {
        this.out = out;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "pier-gzip");
            t.setDaemon(true);
            return t;
        });
        this.maxInFlight = threads * 2;
        out.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        total += len;
        while (len > 0) {
            int n = Math.min(len, BLOCK - filled);
            System.arraycopy(b, off, block, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == BLOCK) {
                submit(false);
            }
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] input = filled == block.length ? block : Arrays.copyOf(block, filled);
        byte[] dictionary = previousTail;
        previousTail = Arrays.copyOfRange(input, Math.max(0, input.length - DICTIONARY), input.length);
        inFlight.add(pool.submit(() -> deflate(input, dictionary, last)));
        block = new byte[BLOCK];
        filled = 0;
        while (inFlight.size() >= maxInFlight) {
            drainOne();
        }
    }

    private static byte[] deflate(byte[] input, byte[] dictionary, boolean last) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            if (dictionary.length > 0) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(input);
            if (last) {
                deflater.finish();
            }
            java.io.ByteArrayOutputStream result = new java.io.ByteArrayOutputStream(input.length / 2 + 64);
            byte[] buffer = new byte[64 * 1024];
            int mode = last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
            while (true) {
                int n = deflater.deflate(buffer, 0, buffer.length, mode);
                result.write(buffer, 0, n);
                if (last ? deflater.finished() : n < buffer.length && deflater.needsInput()) {
                    break;
                }
            }
            return result.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private void drainOne() throws IOException {
        try {
            out.write(inFlight.removeFirst().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compression failed: " + e.getCause(), e.getCause());
        }
    }

    /** Writes the last block, the trailer, and stops the threads; does not close the underlying stream. */
    public void finish() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            submit(true);
            while (!inFlight.isEmpty()) {
                drainOne();
            }
            long c = crc.getValue();
            out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                    (byte) total, (byte) (total >> 8), (byte) (total >> 16), (byte) (total >> 24)});
            out.flush();
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }
}

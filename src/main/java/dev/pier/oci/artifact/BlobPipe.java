package dev.pier.oci.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Connects a writer (e.g. a store streaming a blob) on a virtual thread to a reader on the caller's thread
 * through a small queue of 64 KiB chunks. A writer failure reaches the reader as that exception (never as a
 * clean end of stream); when the reader stops early the writer's next write fails and it ends.
 */
final class BlobPipe {

    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    interface Reader<T> {
        T readFrom(InputStream in) throws IOException;
    }

    /** The writer's failure, if any, and the reader's result. */
    record Outcome<T>(T result, IOException writerFailure) {}

    static final int CHUNK = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(32);
    private volatile boolean readerClosed;
    private volatile IOException writerFailure;

    private BlobPipe() {}

    /**
     * Runs {@code writer} on a virtual thread and {@code reader} here; waits for the writer to end. A reader
     * exception is thrown as is (the writer's failure, if any, is added as suppressed).
     */
    static <T> Outcome<T> run(String name, Writer writer, Reader<T> reader) throws IOException {
        BlobPipe pipe = new BlobPipe();
        Sink sink = pipe.new Sink();
        Thread thread = Thread.ofVirtual().name(name).start(() -> {
            try {
                writer.writeTo(sink);
                sink.finish();
            } catch (IOException | RuntimeException e) {
                pipe.writerFailure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                pipe.queue.clear();
                pipe.queue.offer(END);
            }
        });
        Source source = pipe.new Source();
        T result;
        try {
            result = reader.readFrom(source);
        } catch (IOException | RuntimeException e) {
            source.close();
            join(thread);
            if (pipe.writerFailure != null && pipe.writerFailure != e) {
                e.addSuppressed(pipe.writerFailure);
            }
            throw e;
        }
        source.close();
        join(thread);
        return new Outcome<>(result, pipe.writerFailure);
    }

    /** An input stream that reads everything a writer produces, for tests and callers that own both ends. */
    static InputStream streamed(String name, Writer writer) {
        BlobPipe pipe = new BlobPipe();
        Sink sink = pipe.new Sink();
        Thread.ofVirtual().name(name).start(() -> {
            try {
                writer.writeTo(sink);
                sink.finish();
            } catch (IOException | RuntimeException e) {
                pipe.writerFailure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                pipe.queue.clear();
                pipe.queue.offer(END);
            }
        });
        return pipe.new Source();
    }

    private static void join(Thread thread) throws InterruptedIOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + thread.getName());
        }
    }

    private final class Sink extends OutputStream {
        private byte[] buffer = new byte[CHUNK];
        private int filled;

        @Override
        public void write(int b) throws IOException {
            buffer[filled++] = (byte) b;
            if (filled == CHUNK) {
                push();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, CHUNK - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == CHUNK) {
                    push();
                }
            }
        }

        /** The writer ended normally: hand over the last chunk and the end marker. */
        void finish() throws IOException {
            if (filled > 0) {
                push();
            }
            put(END);
        }

        private void push() throws IOException {
            byte[] chunk = filled == CHUNK ? buffer : java.util.Arrays.copyOf(buffer, filled);
            put(chunk);
            buffer = new byte[CHUNK];
            filled = 0;
        }

        private void put(byte[] chunk) throws IOException {
            try {
                while (!queue.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
                    if (readerClosed) {
                        throw new IOException("the reader stopped");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing to a pipe");
            }
            // Once the end marker is handed over the reader may take it and close at once: that is success.
            if (readerClosed && chunk != END) {
                throw new IOException("the reader stopped");
            }
        }
    }

    private final class Source extends InputStream {
        private byte[] current;
        private int position;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (current == null || position == current.length) {
                if (ended) {
                    return -1;
                }
                if (readerClosed) {
                    throw new IOException("the pipe is closed");
                }
                try {
                    current = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading from a pipe");
                }
                position = 0;
                if (current == END) {
                    ended = true;
                    if (writerFailure != null) {
                        throw writerFailure;
                    }
                    return -1;
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            readerClosed = true;
            queue.clear();
        }
    }
}

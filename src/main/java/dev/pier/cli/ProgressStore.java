package dev.pier.cli;

import dev.pier.oci.ContentStore;
import dev.pier.oci.ForwardingContentStore;
import dev.pier.oci.Digest;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * Shows blob transfers on a terminal: one line per blob, rewritten in place at most ten times a second.
 * Used only when stderr is a terminal, so CI logs and pipes stay quiet.
 */
final class ProgressStore extends ForwardingContentStore {

    private static final long MIN_BYTES = 1024 * 1024;
    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter err;

    private ProgressStore(ContentStore store, PrintWriter err) {
        super(store);
        this.err = err;
    }

    static ContentStore wrap(ContentStore store, CliContext ctx) {
        return ctx.interactive() ? new ProgressStore(store, ctx.err()) : store;
    }

    @Override
    public void blob(String repository, Digest digest, long expectedSize, OutputStream sink) throws IOException {
        Meter meter = new Meter("pull", digest, expectedSize);
        delegate.blob(repository, digest, expectedSize, new FilterOutputStream(sink) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                meter.add(len);
            }
        });
        meter.done();
    }

    @Override
    public void putBlob(String repository, Digest digest, long size, InputStream content) throws IOException {
        Meter meter = new Meter("push", digest, size);
        delegate.putBlob(repository, digest, size, new FilterInputStream(content) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    meter.add(n);
                }
                return n;
            }
        });
        meter.done();
    }

    private final class Meter {
        private final String verb;
        private final String name;
        private final long total;
        private long done;
        private long last;

        Meter(String verb, Digest digest, long total) {
            this.verb = verb;
            this.name = digest.hex().substring(0, 12);
            this.total = total;
        }

        void add(long n) {
            done += n;
            long now = System.nanoTime();
            if (total >= MIN_BYTES && now - last > INTERVAL_NANOS) {
                last = now;
                err.printf("\r%s %s  %d/%d MiB (%d%%)", verb, name, done >> 20, total >> 20, total == 0 ? 100 : done * 100 / total);
                err.flush();
            }
        }

        void done() {
            if (total >= MIN_BYTES) {
                err.printf("\r%s %s  %d MiB done%20s%n", verb, name, total >> 20, "");
                err.flush();
            }
        }
    }
}

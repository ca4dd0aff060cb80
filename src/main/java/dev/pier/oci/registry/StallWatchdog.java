package dev.pier.oci.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the reading of a response body: {@code java.net.http}'s request timeout stops at the headers, so a
 * body that stops flowing for longer than {@code limit} is closed here and its reader gets a timeout.
 * Runs on one virtual thread.
 */
final class StallWatchdog implements AutoCloseable {
    private final long limitNanos;
    private final Duration limit;
    private final ScheduledExecutorService scheduler;
    private final Set<Guarded> active = ConcurrentHashMap.newKeySet();

    StallWatchdog(Duration limit) {
        this.limit = limit;
        this.limitNanos = limit.toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("pier-registry-stall-watchdog").factory());
        long period = Math.max(10, limit.toMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    InputStream guard(InputStream in) {
        Guarded g = new Guarded(in);
        active.add(g);
        return g;
    }

    private void check() {
        long now = System.nanoTime();
        for (Guarded g : active) {
            if (now - g.last > limitNanos) {
                g.stalled = true;
                active.remove(g);
                try {
                    g.closeUnderlying();
                } catch (IOException | RuntimeException e) {
                    // the reader sees the stall either way
                }
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private final class Guarded extends FilterInputStream {
        volatile long last = System.nanoTime();
        volatile boolean stalled;

        Guarded(InputStream in) {
            super(in);
        }

        private IOException stall() {
            return new HttpTimeoutException("no data arrived for " + limit.toMillis() + " ms");
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                last = System.nanoTime();
                if (stalled) {
                    throw stall();
                }
                return b;
            } catch (IOException e) {
                throw stalled ? stall() : e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                last = System.nanoTime();
                if (stalled) {
                    throw stall();
                }
                return n;
            } catch (IOException e) {
                throw stalled ? stall() : e;
            }
        }

        void closeUnderlying() throws IOException {
            in.close();
        }

        @Override
        public void close() throws IOException {
            active.remove(this);
            super.close();
        }
    }
}

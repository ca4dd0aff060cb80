package dev.pier.oci.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/** A per-registry rate limit: {@code perSecond} requests on average, bursts of up to {@code burst}. */
final class TokenBucket {
    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, int burst, LongSupplier nanoTime, Sleeper sleeper) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = this.burst;
        this.last = nanoTime.getAsLong();
    }

    static TokenBucket unlimited() {
        return new TokenBucket(0, 1, System::nanoTime, Sleeper.REAL);
    }

    /** Takes one token, waiting (outside the lock) when none is left. Returns the wait. */
    Duration acquire() throws IOException {
        if (perSecond <= 0) {
            return Duration.ZERO;
        }
        Duration wait = reserve();
        if (!wait.isZero()) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the registry rate limit");
            }
        }
        return wait;
    }

    private synchronized Duration reserve() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        tokens -= 1;
        if (tokens >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(-tokens / perSecond * 1e9));
    }
}

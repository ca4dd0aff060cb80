package dev.pier.oci.registry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retries on 5xx, 429 and connection failures: exponential backoff with jitter, or the registry's
 * {@code Retry-After} capped at {@code maxRetryAfter}.
 *
 * @param maxAttempts   attempts in all, including the first (at least 1)
 * @param initialDelay  backoff before the second attempt
 * @param maxDelay      backoff never grows beyond this
 * @param maxRetryAfter a registry's Retry-After is honoured up to this wait
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("retry delays must not be negative");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /** Backoff before attempt {@code attempt + 1}: half fixed, half random ("equal jitter"). */
    Duration backoff(int attempt) {
        long base = initialDelay.toMillis();
        long exp = base << Math.min(20, Math.max(0, attempt - 1));
        long capped = Math.min(exp < 0 ? Long.MAX_VALUE : exp, maxDelay.toMillis());
        long half = capped / 2;
        long jitter = half <= 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1);
        return Duration.ofMillis(capped - half + jitter);
    }

    Duration capRetryAfter(Duration wanted) {
        return wanted.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : wanted;
    }
}

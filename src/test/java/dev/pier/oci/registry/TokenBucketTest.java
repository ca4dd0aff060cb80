package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void allows_a_burst_then_spaces_requests_at_the_rate() throws Exception {
        AtomicLong now = new AtomicLong();
        RecordingSleeper sleeper = new RecordingSleeper();
        TokenBucket bucket = new TokenBucket(10, 2, now::get, sleeper);
        assertThat(bucket.acquire()).isZero();
        assertThat(bucket.acquire()).isZero();
        assertThat(bucket.acquire()).isEqualTo(Duration.ofMillis(100));
        assertThat(bucket.acquire()).isEqualTo(Duration.ofMillis(200));
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(bucket.acquire()).isZero();
        assertThat(sleeper.waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void unlimited_never_waits() throws Exception {
        TokenBucket bucket = TokenBucket.unlimited();
        for (int i = 0; i < 100; i++) {
            assertThat(bucket.acquire()).isZero();
        }
    }

    @Test
    void backoff_grows_exponentially_with_jitter_and_is_capped() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(5));
        for (int i = 0; i < 50; i++) {
            assertThat(p.backoff(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(p.backoff(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(p.backoff(30)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
        }
        assertThat(p.capRetryAfter(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(5));
    }
}

package dev.pier.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InMemoryJtiLedgerTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    final InMemoryJtiLedger ledger = new InMemoryJtiLedger(clock);

    Instant inFiveMinutes() {
        return clock.instant().plus(Duration.ofMinutes(5));
    }

    @Test
    void an_id_is_new_once_per_issuer() {
        assertThat(ledger.firstUse("https://a", "j1", inFiveMinutes())).isTrue();
        assertThat(ledger.firstUse("https://a", "j1", inFiveMinutes())).isFalse();
        assertThat(ledger.firstUse("https://b", "j1", inFiveMinutes())).isTrue();
    }

    @Test
    void expired_ids_are_pruned() {
        ledger.firstUse("https://a", "j1", inFiveMinutes());
        ledger.firstUse("https://a", "j2", clock.instant().plus(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(6));
        ledger.firstUse("https://a", "j3", inFiveMinutes());
        assertThat(ledger.size()).isEqualTo(2);
    }

    @Test
    void concurrent_uses_of_one_id_admit_exactly_one() throws Exception {
        Instant expiry = inFiveMinutes();
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            tasks.add(() -> ledger.firstUse("https://a", "same", expiry));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            int admitted = 0;
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                admitted += f.get() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(1);
        }
    }
}

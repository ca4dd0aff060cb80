package dev.pier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.CancelledException;
import dev.pier.pipeline.EnvironmentLocks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEnvironmentLocksTest {

    @TempDir
    Path home;

    @Test
    void one_holder_per_environment_and_others_are_independent() {
        FileEnvironmentLocks locks = new FileEnvironmentLocks(home);
        try (EnvironmentLocks.Lease lease = locks.tryAcquire("pytoya", "production").orElseThrow()) {
            assertThat(locks.tryAcquire("pytoya", "production")).isEmpty();
            assertThat(locks.tryAcquire("pytoya", "staging")).isPresent().get().satisfies(EnvironmentLocks.Lease::close);
        }
        assertThat(locks.tryAcquire("pytoya", "production")).isPresent();
    }

    @Test
    void a_waiter_gets_the_lease_when_the_holder_releases_it() throws Exception {
        FileEnvironmentLocks locks = new FileEnvironmentLocks(home);
        EnvironmentLocks.Lease first = locks.tryAcquire("pytoya", "production").orElseThrow();
        CompletableFuture<EnvironmentLocks.Lease> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return locks.acquire("pytoya", "production", new Cancellation());
            } catch (CancelledException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiter).isNotDone();
        first.close();
        assertThat(waiter).succeedsWithin(Duration.ofSeconds(10));
        waiter.get().close();
    }

    @Test
    void a_waiter_stops_waiting_when_cancelled() {
        FileEnvironmentLocks locks = new FileEnvironmentLocks(home);
        try (EnvironmentLocks.Lease ignored = locks.tryAcquire("pytoya", "production").orElseThrow()) {
            Cancellation cancel = new Cancellation();
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                try {
                    locks.acquire("pytoya", "production", cancel);
                } catch (CancelledException e) {
                    throw new IllegalStateException("cancelled: " + e.getMessage());
                }
            });
            cancel.cancel("received SIGTERM");
            assertThat(waiter).failsWithin(Duration.ofSeconds(10));
            assertThatThrownBy(waiter::join).hasMessageContaining("received SIGTERM");
        }
    }
}

package dev.pier.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunEventsTest {

    static Run run(String id) {
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        return new Run(id, "app", "env", RunStatus.QUEUED, 1, null, null, "command", null, null, null, null, null,
                null, List.of(), t, t, List.of());
    }

    @Test
    void a_watch_wakes_for_its_own_run_only_and_remembers_a_change_made_before_it_waits() throws Exception {
        RunEvents events = new RunEvents();
        try (RunEvents.Watch watch = events.watch("r1")) {
            events.changed(run("r1")); // before the waiter waits: must not be missed
            long t0 = System.nanoTime();
            watch.await(10_000);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);

            CompletableFuture<Void> woke = CompletableFuture.runAsync(() -> {
                try {
                    watch.await(60_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            events.changed(run("other"));
            assertThat(woke).as("another run's change").isNotDone();
            events.changed(run("r1"));
            woke.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void listeners_hear_every_change_and_a_failing_listener_does_not_stop_the_others() {
        RunEvents events = new RunEvents();
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        events.listen(r -> {
            throw new IllegalStateException("webhook down");
        });
        events.listen(r -> heard.add(r.id()));
        events.changed(run("r1"));
        events.changed(run("r2"));
        assertThat(heard).containsExactly("r1", "r2");
    }
}

package dev.pier.controller;

import dev.pier.pipeline.Run;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every status change the controller makes, in one place: long polls wake, notifications go out, metrics
 * count. A long poll watches one run, so a burst of changes to other runs does not wake it.
 */
public final class RunEvents {

    private final List<Consumer<Run>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Set<Watch>> watches = new ConcurrentHashMap<>();

    public void listen(Consumer<Run> listener) {
        listeners.add(listener);
    }

    public void changed(Run run) {
        Set<Watch> watching = watches.get(run.id());
        if (watching != null) {
            watching.forEach(w -> w.changes.release());
        }
        for (Consumer<Run> l : listeners) {
            try {
                l.accept(run);
            } catch (RuntimeException e) {
                // a listener (a webhook, a metric) must never break a run
                System.getLogger("pier.events").log(System.Logger.Level.WARNING, "run event listener failed: " + e);
            }
        }
    }

    /** Starts hearing of changes to one run. Watch before reading the run, so no change falls in between. */
    public Watch watch(String runId) {
        Watch w = new Watch(runId);
        watches.computeIfAbsent(runId, id -> ConcurrentHashMap.newKeySet()).add(w);
        return w;
    }

    /** Changes to one run since it was made or last awaited. */
    public final class Watch implements AutoCloseable {
        private final String runId;
        private final Semaphore changes = new Semaphore(0);

        private Watch(String runId) {
            this.runId = runId;
        }

        /** Returns when the run changed since the last call (or the watch began), or {@code maxMillis} pass. */
        public void await(long maxMillis) throws InterruptedException {
            if (changes.tryAcquire(Math.max(0, maxMillis), TimeUnit.MILLISECONDS)) {
                changes.drainPermits();
            }
        }

        @Override
        public void close() {
            watches.computeIfPresent(runId, (id, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }
}

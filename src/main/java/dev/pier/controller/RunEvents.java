package dev.pier.controller;

import dev.pier.pipeline.Run;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every status change the controller makes, in one place: long polls wake, notifications go out, metrics
 * count. A generation counter lets a waiter notice any change without missing one between checks.
 */
public final class RunEvents {

    private final List<Consumer<Run>> listeners = new CopyOnWriteArrayList<>();
    private final Object monitor = new Object();
    private long generation;

    public void listen(Consumer<Run> listener) {
        listeners.add(listener);
    }

    public void changed(Run run) {
        synchronized (monitor) {
            generation++;
            monitor.notifyAll();
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

    public long generation() {
        synchronized (monitor) {
            return generation;
        }
    }

    /** Returns when a change after {@code seen} happens or {@code maxMillis} pass. */
    public void awaitAfter(long seen, long maxMillis) throws InterruptedException {
        long end = System.nanoTime() + maxMillis * 1_000_000L;
        synchronized (monitor) {
            while (generation == seen) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return;
                }
                monitor.wait(left);
            }
        }
    }
}

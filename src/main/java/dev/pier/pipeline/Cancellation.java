package dev.pier.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A one-way switch that a signal handler flips and a running deploy watches. Thread-safe. */
public final class Cancellation {

    private volatile String reason;
    private volatile boolean interrupted;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public boolean isCancelled() {
        return reason != null;
    }

    public String reason() {
        return reason;
    }

    /** Flips the switch once; later calls are ignored. Listeners run on the caller's thread. */
    public void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
        }
        listeners.forEach(Runnable::run);
    }

    /**
     * Stops the run because Pier itself is going away (shutdown), not because someone cancelled it: the run is
     * recorded as interrupted, and queued again when its environment is idempotent.
     */
    public void interrupt(String why) {
        interrupted = true;
        cancel(why);
    }

    public boolean isInterrupted() {
        return interrupted;
    }

    /** Runs {@code action} on cancellation, or at once if already cancelled. */
    public void onCancel(Runnable action) {
        listeners.add(action);
        if (isCancelled()) {
            action.run();
        }
    }

    public void throwIfCancelled() throws CancelledException {
        if (isCancelled()) {
            throw new CancelledException(reason);
        }
    }
}

package dev.pier.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A one-way switch that a signal handler flips and a running deploy watches. Thread-safe. */
public final class Cancellation {

    private volatile String reason;
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

package dev.pier.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * Runs whose deployer waits for the system it deployed to to call back ({@code webhook} with
 * {@code status: callback}). The server verifies each callback's signature and delivers it here; a process with
 * no HTTP endpoint (a local {@code pier deploy}) cannot receive any.
 */
public interface RunCallbacks {

    RunCallbacks NONE = (runId, delivery) -> Optional.empty();

    /**
     * Starts waiting for callbacks that answer {@code delivery} (the id of the request the deployer is about to
     * send), so a callback meant for an earlier attempt of the same run is refused; empty when this process
     * cannot receive callbacks.
     */
    Optional<Waiting> open(String runId, String delivery);

    /** One run's wait. Closing it ends the wait: later callbacks are refused as not waiting. */
    interface Waiting extends AutoCloseable {

        /** Where the deploy target POSTs its callbacks. */
        String url();

        /** The next callback; null when {@code max} passes or {@link #wake()} was called. */
        Callback next(Duration max) throws InterruptedException;

        /** Ends a pending {@link #next} at once (a cancel). */
        void wake();

        @Override
        void close();
    }

    /**
     * A verified callback.
     *
     * @param status      {@code running}, {@code succeeded} or {@code failed}
     * @param message     the target's own words; may be null
     * @param deployedUrl where the release answers; may be null
     */
    record Callback(String status, String message, String deployedUrl) {}
}

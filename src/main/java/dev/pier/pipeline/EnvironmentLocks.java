package dev.pier.pipeline;

import java.util.Optional;

/**
 * At most one deployer per app and environment at a time, across processes on the node.
 * A holder that dies releases its lease (the implementation must guarantee it).
 */
public interface EnvironmentLocks {

    /** Takes the lease if free, at once. */
    Optional<Lease> tryAcquire(String app, String environment);

    /**
     * Waits for the lease until it is free or {@code cancellation} fires.
     *
     * @throws CancelledException when cancelled while waiting
     */
    Lease acquire(String app, String environment, Cancellation cancellation) throws CancelledException;

    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}

package dev.pier.cli;

import dev.pier.pipeline.Cancellation;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT and SIGTERM (a CI job being cancelled) into a {@link Cancellation}, so the deploy can stop its
 * process group, record the run as cancelled and release the environment before Pier exits 6. The JVM's
 * default (run shutdown hooks, exit 143) would leave the run to crash recovery instead.
 */
final class TerminationSignals implements AutoCloseable {

    private final SignalHandler previousInt;
    private final SignalHandler previousTerm;

    private TerminationSignals(Cancellation cancel) {
        previousInt = Signal.handle(new Signal("INT"), s -> cancel.cancel("received SIGINT"));
        previousTerm = Signal.handle(new Signal("TERM"), s -> cancel.cancel("received SIGTERM"));
    }

    static TerminationSignals cancelOn(Cancellation cancel) {
        return new TerminationSignals(cancel);
    }

    @Override
    public void close() {
        Signal.handle(new Signal("INT"), previousInt);
        Signal.handle(new Signal("TERM"), previousTerm);
    }
}

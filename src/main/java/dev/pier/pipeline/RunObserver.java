package dev.pier.pipeline;

/** Follows a run as it happens: the CLI prints it, the server will push it. Lines arrive redacted. */
public interface RunObserver extends LogSink {

    RunObserver NONE = new RunObserver() {
        @Override
        public void line(String stream, String text) {}
    };

    default void created(Run run) {}

    default void changed(Run run) {}
}

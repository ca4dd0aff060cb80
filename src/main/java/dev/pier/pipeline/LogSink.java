package dev.pier.pipeline;

/** Where a run's output goes. Implementations redact secrets and cap size; callers pass raw text. */
public interface LogSink {

    /** One line of output, without its line terminator. */
    void line(String stream, String text);

    default void pier(String text) {
        line("pier", text);
    }
}

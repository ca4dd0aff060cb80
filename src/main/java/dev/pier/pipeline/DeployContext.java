package dev.pier.pipeline;

/** What a deployer may use while it runs: the log, cancellation, and a place to record its process. */
public interface DeployContext {

    /** Redacting, size-capped log of the run; also streams live to whoever follows it. */
    LogSink log();

    Cancellation cancellation();

    /** Records the deployer's process group on the run, so a restart can find it after a crash. */
    void processStarted(long processGroupId);

    /** Clears the recorded process group. */
    void processEnded();

    /** Records that a command starts, so the run shows exactly what ran. Returns its step index. */
    default int stepStarted(String name, java.util.List<String> argv) {
        return -1;
    }

    /** Records how a started step ended ({@link Step#outcome()} values). */
    default void stepEnded(int index, Integer exitCode, String outcome) {}
}

package dev.pier.deploy.compose;

import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.LogSink;
import java.util.ArrayList;
import java.util.List;

/** A {@link DeployContext} that keeps every log line and step, for assertions. */
final class Recorder implements DeployContext, LogSink {

    record StepRecord(String name, List<String> argv, Integer exitCode, String outcome) {}

    private final List<String> lines = new ArrayList<>();
    private final List<StepRecord> steps = new ArrayList<>();
    private final Cancellation cancellation = new Cancellation();

    @Override
    public LogSink log() {
        return this;
    }

    @Override
    public synchronized void line(String stream, String text) {
        lines.add(stream + ": " + text);
    }

    @Override
    public Cancellation cancellation() {
        return cancellation;
    }

    @Override
    public void processStarted(long processGroupId) {
        throw new AssertionError("compose-ssh starts no local process");
    }

    @Override
    public void processEnded() {}

    @Override
    public synchronized int stepStarted(String name, List<String> argv) {
        steps.add(new StepRecord(name, List.copyOf(argv), null, "running"));
        return steps.size() - 1;
    }

    @Override
    public synchronized void stepEnded(int index, Integer exitCode, String outcome) {
        StepRecord s = steps.get(index);
        steps.set(index, new StepRecord(s.name(), s.argv(), exitCode, outcome));
    }

    synchronized List<StepRecord> steps() {
        return List.copyOf(steps);
    }

    synchronized String text() {
        return String.join("\n", lines);
    }
}

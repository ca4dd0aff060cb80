package dev.pier.deploy;

import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.LogSink;
import java.util.ArrayList;
import java.util.List;

/** An in-memory {@link DeployContext}: keeps every log line, every process start and end, and every step. */
public final class RecordingContext implements DeployContext, LogSink {

    record Line(String stream, String text) {}

    /** A step as the run would record it. */
    public record StepRecord(String name, List<String> argv, Integer exitCode, String outcome) {}

    private final List<StepRecord> steps = new ArrayList<>();

    private final List<Line> lines = new ArrayList<>();
    private final List<Long> started = new ArrayList<>();
    private int ended;
    private final Cancellation cancellation = new Cancellation();

    @Override
    public LogSink log() {
        return this;
    }

    @Override
    public synchronized void line(String stream, String text) {
        lines.add(new Line(stream, text));
    }

    @Override
    public Cancellation cancellation() {
        return cancellation;
    }

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

    public synchronized List<StepRecord> steps() {
        return List.copyOf(steps);
    }

    @Override
    public synchronized void processStarted(long processGroupId) {
        started.add(processGroupId);
    }

    @Override
    public synchronized void processEnded() {
        ended++;
    }

    synchronized List<Line> lines() {
        return List.copyOf(lines);
    }

    synchronized List<String> texts(String stream) {
        return lines.stream().filter(l -> l.stream().equals(stream)).map(Line::text).toList();
    }

    synchronized boolean saw(String stream, String text) {
        return lines.contains(new Line(stream, text));
    }

    synchronized List<Long> started() {
        return List.copyOf(started);
    }

    synchronized long lastGroup() {
        return started.get(started.size() - 1);
    }

    synchronized int ended() {
        return ended;
    }

    /** Everything logged, one line per entry, for "never appears" assertions. */
    public synchronized String all() {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.stream()).append(": ").append(l.text()).append('\n'));
        return sb.toString();
    }
}

package dev.pier.pipeline;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The {@link DeployContext} of one executing run: records the process group and each step on the run. */
final class RunningContext implements DeployContext {

    private final String runId;
    private final RunStore runs;
    private final RunLog log;
    private final Cancellation cancellation;
    private final Clock clock;
    private final List<Step> steps = new ArrayList<>();

    RunningContext(String runId, RunStore runs, RunLog log, Cancellation cancellation, Clock clock) {
        this.runId = runId;
        this.runs = runs;
        this.log = log;
        this.cancellation = cancellation;
        this.clock = clock;
    }

    @Override
    public LogSink log() {
        return log;
    }

    @Override
    public Cancellation cancellation() {
        return cancellation;
    }

    @Override
    public void processStarted(long processGroupId) {
        runs.recordDeployerProcess(runId, processGroupId);
    }

    @Override
    public void processEnded() {
        runs.recordDeployerProcess(runId, null);
    }

    @Override
    public synchronized int stepStarted(String name, List<String> argv) {
        List<String> safe = argv.stream().map(log.redactor()::redact).toList();
        steps.add(new Step(name, safe, clock.instant(), null, null, "running"));
        runs.recordSteps(runId, steps);
        return steps.size() - 1;
    }

    @Override
    public synchronized void stepEnded(int index, Integer exitCode, String outcome) {
        if (index < 0 || index >= steps.size()) {
            return;
        }
        steps.set(index, steps.get(index).ended(clock.instant(), exitCode, outcome));
        runs.recordSteps(runId, steps);
    }
}

package dev.pier.deploy;

import dev.pier.config.DeployerSpec;
import dev.pier.config.DeployerSpec.CommandStep;
import dev.pier.config.DeployerSpec.Fallback;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Deployer;
import dev.pier.pipeline.PlannedCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Type {@code command}: a chain of templated argv commands (seed 003: {@code quantum-cli stacks update},
 * then {@code stack update} on CLIs that lack it). The first success wins; a failure moves on only when it
 * matches that attempt's {@code fallbackWhen}. One timeout covers the whole chain.
 */
public final class CommandDeployer implements Deployer {

    private final ProcessGroupRunner runner;

    public CommandDeployer(ProcessGroupRunner runner) {
        this.runner = runner;
    }

    @Override
    public String type() {
        return "command";
    }

    @Override
    public List<PlannedCommand> plan(DeployRequest request) {
        DeployerSpec.Command spec = spec(request);
        Map<String, Object> model = Templates.model(request);
        Map<String, String> env = DeployEnvironment.masked(request, spec, model);
        List<CommandStep> steps = spec.commands();
        List<PlannedCommand> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            CommandStep step = steps.get(i);
            String note = "attempt " + (i + 1) + "/" + steps.size() + "; "
                    + (i == steps.size() - 1 ? "last: a failure fails the deploy"
                    : step.fallbackWhen() == null ? "no fallback: a failure fails the deploy"
                    : describe(step.fallbackWhen()));
            out.add(new PlannedCommand(Templates.renderAll(step.argv(), model), spec.workdir(), env, note));
        }
        return out;
    }

    @Override
    public DeployOutcome deploy(DeployRequest request, DeployContext context) {
        DeployerSpec.Command spec = spec(request);
        int n = spec.commands().size();
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        List<List<String>> argvs = new ArrayList<>();
        List<List<Pattern>> patterns = new ArrayList<>();
        Map<String, String> env;
        try {
            ReleaseFiles.write(request, spec.imageValues());
            Map<String, Object> model = Templates.model(request);
            for (CommandStep step : spec.commands()) {
                argvs.add(Templates.renderAll(step.argv(), model));
                patterns.add(compile(step.fallbackWhen()));
            }
            env = DeployEnvironment.real(request, spec, model);
        } catch (IOException e) {
            return new DeployOutcome.Failed("not_started", "prepare command", null,
                    "cannot write release files into " + request.workDir() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return new DeployOutcome.Failed("not_started", "prepare command", null, e.getMessage());
        }
        for (int i = 0; i < n; i++) {
            List<String> argv = argvs.get(i);
            String label = "command " + (i + 1) + "/" + n;
            String step = label + ": " + String.join(" ", argv.subList(0, Math.min(2, argv.size())));
            if (context.cancellation().isCancelled()) {
                return new DeployOutcome.Cancelled(context.cancellation().reason());
            }
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                return timedOut(spec, step);
            }
            context.log().pier(label + ": " + String.join(" ", argv));
            ProcessGroupRunner.Result result;
            try {
                result = runner.run(new ProcessGroupRunner.Invocation(argv, spec.workdir(), env, left), context);
            } catch (ProcessGroupRunner.NotStartedException e) {
                return new DeployOutcome.Failed("not_started", step, null, e.getMessage());
            }
            if (result.cancelled()) {
                return new DeployOutcome.Cancelled(context.cancellation().reason());
            }
            if (result.timedOut()) {
                return timedOut(spec, step);
            }
            if (result.succeeded()) {
                String which = i == 0 ? "" : " (fallback attempt " + (i + 1) + ")";
                return new DeployOutcome.Succeeded(step + " succeeded" + which);
            }
            String why = fallbackReason(spec.commands().get(i).fallbackWhen(), patterns.get(i), result);
            if (why == null) {
                return new DeployOutcome.Failed("deploy_failed", step, result.exitCode(),
                        step + " exited with code " + result.exitCode());
            }
            if (i == n - 1) {
                return new DeployOutcome.Failed("deploy_failed", step, result.exitCode(),
                        step + " exited with code " + result.exitCode() + " (" + why + ") and no fallback is left");
            }
            context.log().pier(label + " failed (" + why + "); falling back to command " + (i + 2) + "/" + n);
        }
        throw new IllegalStateException("empty command chain");
    }

    private static DeployerSpec.Command spec(DeployRequest request) {
        if (!(request.environment().deployer() instanceof DeployerSpec.Command c)) {
            throw new IllegalArgumentException("command deployer given a " + request.environment().deployer().type()
                    + " deployer spec");
        }
        if (c.commands().isEmpty()) {
            throw new IllegalArgumentException("command deployer for " + request.environment().name()
                    + " has no commands");
        }
        return c;
    }

    private static DeployOutcome timedOut(DeployerSpec.Command spec, String step) {
        return new DeployOutcome.Failed("timed_out", step, null,
                "the command chain did not finish within " + GoDuration.of(spec.timeout()));
    }

    /** Why the failed attempt may fall back, or null when it may not. */
    private static String fallbackReason(Fallback when, List<Pattern> patterns, ProcessGroupRunner.Result result) {
        if (when == null) {
            return null;
        }
        if (result.exitCode() != null && when.exitCodes().contains(result.exitCode())) {
            return "exit code " + result.exitCode() + " is in " + when.exitCodes();
        }
        String output = String.join("\n", result.outputTail());
        for (Pattern p : patterns) {
            if (p.matcher(output).find()) {
                return "exit code " + result.exitCode() + ", output matches /" + p.pattern() + "/";
            }
        }
        return null;
    }

    private static List<Pattern> compile(Fallback when) {
        if (when == null) {
            return List.of();
        }
        try {
            return when.outputPatterns().stream().map(Pattern::compile).toList();
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("fallback output pattern is not a valid regex: " + e.getDescription()
                    + " in /" + e.getPattern() + "/");
        }
    }

    static String describe(Fallback when) {
        List<String> parts = new ArrayList<>();
        if (!when.exitCodes().isEmpty()) {
            parts.add("exit code in " + when.exitCodes());
        }
        if (!when.outputPatterns().isEmpty()) {
            parts.add("output matches " + when.outputPatterns().stream().map(p -> "/" + p + "/")
                    .collect(Collectors.joining(" or ")));
        }
        return parts.isEmpty() ? "never falls back (empty fallbackWhen)"
                : "fallback when " + String.join(" or ", parts);
    }
}

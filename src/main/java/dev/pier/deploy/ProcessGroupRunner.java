package dev.pier.deploy;

import dev.pier.pipeline.DeployContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one argv in its own session and process group, so that a timeout or a cancel can stop
 * everything it started (grandchildren included), and so that a crash of Pier leaves a group id
 * that recovery can find. Started through {@code setsid}: the JVM's child is not a group leader,
 * so setsid execs in place and the child's pid is the group id.
 *
 * <p>The program only starts once its group is recorded ({@link DeployContext#processStarted}): a small
 * {@code sh} gate waits for a line from Pier on stdin, then execs the argv in place (same pid, same
 * group) with stdin from {@code /dev/null}. Without it, a Pier killed between starting the child and
 * recording it left a deployer running that no one knew of; now such a child reads end of file and
 * exits without running anything.
 */
public final class ProcessGroupRunner {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    public static final int DEFAULT_TAIL_LINES = 200;
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);
    private static final String SETSID = Executables.system("setsid", List.of("/usr/bin/setsid", "/bin/setsid"));
    private static final String SH = Executables.system("sh", List.of("/bin/sh", "/usr/bin/sh"));
    /** Exit status of a gate that never got the go-ahead (Pier died first). */
    private static final int GATE_CLOSED = 125;
    private static final String GATE = "read -r go || exit " + GATE_CLOSED + "; exec \"$@\" < /dev/null";

    private final OsProcessControl os;
    private final Duration grace;
    private final int tailLines;

    public ProcessGroupRunner() {
        this(new OsProcessControl(), DEFAULT_GRACE, DEFAULT_TAIL_LINES);
    }

    /**
     * @param grace     how long a group has between SIGTERM and SIGKILL
     * @param tailLines how many lines of combined output to keep for {@link Result#outputTail()}
     */
    public ProcessGroupRunner(OsProcessControl os, Duration grace, int tailLines) {
        if (tailLines < 1 || grace.isNegative()) {
            throw new IllegalArgumentException("tailLines must be >= 1 and grace >= 0");
        }
        this.os = os;
        this.grace = grace;
        this.tailLines = tailLines;
    }

    /**
     * @param argv    the program and its arguments; never a shell string
     * @param workDir working directory
     * @param env     added to (and overriding) the node's environment
     * @param timeout how long the process may run; zero or less stops it at once
     */
    public record Invocation(List<String> argv, Path workDir, Map<String, String> env, Duration timeout) {
        public Invocation {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("empty argv");
            }
        }
    }

    /**
     * @param exitCode   the exit status (128+signal when killed); null when the process never started
     * @param outputTail the last lines of stdout and stderr in the order Pier read them (two pipes: not
     *                   necessarily the order they were written)
     */
    public record Result(Integer exitCode, boolean timedOut, boolean cancelled, List<String> outputTail) {
        public boolean succeeded() {
            return !timedOut && !cancelled && exitCode != null && exitCode == 0;
        }
    }

    /** The program could not be started (not found, not executable, bad working directory). */
    public static final class NotStartedException extends IOException {
        public NotStartedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Runs to the end, a timeout, or the context's cancellation; the group is gone when this returns. */
    public Result run(Invocation inv, DeployContext context) throws NotStartedException {
        if (context.cancellation().isCancelled()) {
            return new Result(null, false, true, List.of());
        }
        int step = context.stepStarted(stepName(inv.argv()), inv.argv());
        Process process;
        try {
            process = start(inv);
        } catch (NotStartedException e) {
            context.stepEnded(step, null, "not_started");
            throw e;
        }
        long pgid = process.pid();
        context.processStarted(pgid);
        openGate(process);
        Result result = null;
        try {
            OutputPump pump = new OutputPump(process, context.log(), tailLines, "pier-pg-" + pgid);
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            context.cancellation().onCancel(() -> cancelled.complete(null));
            boolean timedOut = false;
            boolean interrupted = false;
            try {
                CompletableFuture.anyOf(process.onExit(), cancelled)
                        .get(saturatedNanos(inv.timeout()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                timedOut = true;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
            boolean stopped = process.isAlive();
            if (stopped) {
                String why = timedOut ? "timed out after " + GoDuration.of(inv.timeout())
                        : interrupted ? "interrupted" : "cancelled: " + context.cancellation().reason();
                context.log().pier(why + "; stopping process group " + pgid
                        + " (SIGTERM, then SIGKILL after " + GoDuration.of(grace) + ")");
                stop(process, pgid, context);
            } else if (os.isGroupAlive(pgid)) {
                // The leader is done; what it left behind in its group must not outlive the deploy.
                context.log().pier("'" + inv.argv().get(0) + "' exited but left processes in group " + pgid
                        + "; stopping them");
                stop(process, pgid, context);
            }
            int exit = awaitExit(process);
            if (!pump.awaitDrained(DRAIN_LIMIT)) {
                context.log().pier("output of group " + pgid + " still open after it ended: a process left the group");
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            boolean cancel = stopped && !timedOut;
            result = new Result(exit, stopped && timedOut, cancel, pump.tail());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(process, pgid, context);
            result = new Result(null, false, true, List.of());
            return result;
        } finally {
            context.processEnded();
            context.stepEnded(step, result == null ? null : result.exitCode(), outcome(result));
        }
    }

    private static String outcome(Result r) {
        if (r == null) {
            return "failed";
        }
        return r.timedOut() ? "timed_out" : r.cancelled() ? "cancelled" : r.succeeded() ? "succeeded" : "failed";
    }

    // "helm upgrade", "quantum-cli stacks": the program's name and its first word.
    private static String stepName(List<String> argv) {
        String program = Path.of(argv.get(0)).getFileName().toString();
        return argv.size() > 1 && !argv.get(1).startsWith("-") ? program + " " + argv.get(1) : program;
    }

    private Process start(Invocation inv) throws NotStartedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(inv.env());
        String program = inv.argv().get(0);
        if (Executables.find(program, env.get("PATH"), inv.workDir()).isEmpty()) {
            throw new NotStartedException("'" + program + "' not found or not executable"
                    + (program.contains("/") ? "" : " on PATH"), null);
        }
        List<String> command = new ArrayList<>(inv.argv().size() + 5);
        command.addAll(List.of(SETSID, SH, "-c", GATE, "pier-gate"));
        command.addAll(inv.argv());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(inv.workDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new NotStartedException("cannot start '" + program + "' in " + inv.workDir() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Lets the gated child exec the program: its group is on record now. */
    private static void openGate(Process process) {
        try (OutputStream gate = process.getOutputStream()) {
            gate.write('\n');
        } catch (IOException e) {
            // The child is already gone (stopped, or killed from outside): its exit is observed below.
        }
    }

    private void stop(Process process, long pgid, DeployContext context) {
        OsProcessControl.Stop how = os.stop(pgid, grace);
        if (how == OsProcessControl.Stop.KILLED) {
            context.log().pier("process group " + pgid + " outlived SIGTERM by " + GoDuration.of(grace)
                    + "; sent SIGKILL");
        } else if (how == OsProcessControl.Stop.NOT_RUNNING && process.isAlive()) {
            // Signalled before setsid made the group: only the child itself exists yet.
            process.destroyForcibly();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static int awaitExit(Process process) throws InterruptedException {
        if (!process.waitFor(DRAIN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return process.waitFor();
        }
        return process.exitValue();
    }
}

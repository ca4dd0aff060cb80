package dev.pier.deploy.compose;

import dev.pier.config.ComposeSettings;
import dev.pier.config.DeployerSpec;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.ssh.SshConnection;
import dev.pier.ssh.SshConnection.ExecResult;
import dev.pier.ssh.SshConnection.SshFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code compose-ssh} deploy (or rollback) over one SSH connection: upload, env file, pull, up, health, then the
 * release becomes current. Whatever happens, the env file is removed before it returns: over the same connection,
 * or after a dropped one over a new connection (once); if even that fails, the outcome and the log say so.
 */
final class ComposeDeploy {

    /** Bound on the clean-up after the deploy's own deadline. */
    static final Duration CLEANUP = Duration.ofSeconds(30);

    private final ComposeSshDeployer deployer;
    private final DeployRequest request;
    private final DeployContext context;
    private final DeployerSpec.ComposeSsh spec;
    private final ComposeSettings compose;
    private final RemoteLayout layout;
    private final String releaseId;
    private final String rollbackFrom;
    private final long deadline;
    private volatile SshConnection connection;
    private boolean envFileCreated;
    private boolean releaseDirCreated;
    private boolean lost;

    /**
     * @param releaseId    the release directory to deploy: the run's own, or for a rollback the kept one
     * @param rollbackFrom for a rollback, the run id that is current now; null for a deploy
     */
    ComposeDeploy(ComposeSshDeployer deployer, DeployRequest request, DeployContext context, String releaseId,
                  String rollbackFrom) {
        this.deployer = deployer;
        this.request = request;
        this.context = context;
        this.spec = ComposeSshDeployer.spec(request);
        this.compose = spec.compose();
        this.layout = new RemoteLayout(compose.remoteDir());
        this.releaseId = releaseId;
        this.rollbackFrom = rollbackFrom;
        this.deadline = System.nanoTime() + spec.timeout().toNanos();
    }

    private boolean rollback() {
        return rollbackFrom != null;
    }

    DeployOutcome run() {
        Prepared local = null;
        if (!rollback()) {
            try {
                local = deployer.prepare(request, layout);
            } catch (Exception e) {
                return new DeployOutcome.Failed("not_started", "render", null, e.getMessage());
            }
        }
        context.cancellation().onCancel(() -> {
            SshConnection c = connection;
            if (c != null) {
                c.abort();
            }
        });
        int step = context.stepStarted("connect", deployer.sshArgv(spec));
        try {
            connection = deployer.connect(spec, context.log(), remaining());
        } catch (SshFailure e) {
            context.stepEnded(step, null, "failed");
            return new DeployOutcome.Failed("not_started", "connect", null, deployer.explain(spec, e));
        } catch (Exception e) {
            context.stepEnded(step, null, "failed");
            return new DeployOutcome.Failed("not_started", "connect", null, e.getMessage());
        }
        context.stepEnded(step, 0, "succeeded");
        DeployOutcome outcome;
        try {
            outcome = over(local);
        } catch (IOException | RuntimeException e) {
            lost |= !connection.isOpen();
            outcome = lost ? lostOutcome("upload") : new DeployOutcome.Failed("deploy_failed", "upload", null,
                    "cannot prepare " + layout.release(releaseId) + " on " + endpoint() + " over SFTP: " + message(e));
        }
        return cleanUp(outcome);
    }

    private DeployOutcome over(Prepared local) throws IOException {
        if (context.cancellation().isCancelled()) {
            return new DeployOutcome.Cancelled(context.cancellation().reason());
        }
        RemoteFiles files = new RemoteFiles(connection.sftp());
        RemoteHistory history = new RemoteHistory(files, layout);
        for (String stale : history.sweepEnvFiles()) {
            context.log().pier("removed " + stale + ", an env file an interrupted deploy left on the server");
        }
        List<String> before = history.read();
        Prepared prepared = local;
        if (rollback()) {
            if (before.size() < 2 || !before.get(before.size() - 1).equals(rollbackFrom)
                    || !before.get(before.size() - 2).equals(releaseId)) {
                return new DeployOutcome.Failed("not_started", "rollback", null, "the server's history changed since"
                        + " the rollback was planned (it ends " + tail(before) + "); nothing was run");
            }
            prepared = deployer.prepareKept(request, layout, releaseId, files);
        } else {
            files.mkdirs(layout.releases());
            releaseDirCreated = true;
            files.mkdirPrivate(layout.release(releaseId));
            for (var f : prepared.files().entrySet()) {
                files.write(layout.release(releaseId) + "/" + f.getKey(), f.getValue());
            }
            files.write(layout.releaseJson(releaseId), prepared.releaseJson());
            context.log().pier("uploaded " + String.join(", ", prepared.fileNames()) + " and release.json to "
                    + layout.release(releaseId));
        }
        envFileCreated = true;
        files.writePrivate(layout.envFile(releaseId), prepared.envText());
        context.log().pier("wrote the env file " + layout.envFile(releaseId) + " (mode 0600): "
                + String.join(", ", prepared.envNames()));
        List<String> base = layout.compose(compose.docker(), compose.project(), releaseId, prepared.fileNames());
        DeployOutcome failed = command("pull", with(base, "pull"), null);
        if (failed != null) {
            return failed;
        }
        failed = command("up", with(base, "up", "-d", "--remove-orphans", "--wait", "--wait-timeout",
                Long.toString(compose.waitTimeout().toSeconds())), null);
        if (failed != null) {
            return failed;
        }
        StringBuilder ps = new StringBuilder();
        failed = command("ps", with(base, "ps", "--all", "--format", "json"), ps);
        if (failed != null) {
            return failed;
        }
        DeployOutcome health = health(ps.toString(), prepared);
        if (health != null) {
            return health;
        }
        List<String> after = new ArrayList<>(before);
        if (rollback()) {
            after.remove(after.size() - 1);
        } else {
            after.add(releaseId);
        }
        history.write(after);
        List<String> kept = history.prune(after, compose.keepReleases(), releaseId);
        if (kept.size() != after.size()) {
            history.write(kept);
        }
        String what = rollback() ? "rolled back from " + rollbackFrom + " to release " + releaseId
                : "release " + releaseId + " is current";
        context.log().pier(what + " (" + layout.current() + ")");
        return new DeployOutcome.Succeeded("compose project " + compose.project() + " on " + endpoint() + ": " + what);
    }

    /** Runs one compose command as a recorded step; null when it succeeded, else the outcome to return. */
    private DeployOutcome command(String name, List<String> argv, StringBuilder stdout) throws IOException {
        if (context.cancellation().isCancelled()) {
            return new DeployOutcome.Cancelled(context.cancellation().reason());
        }
        Duration left = remaining();
        if (left.isZero()) {
            return timedOut(name);
        }
        String shown = dev.pier.ssh.RemoteCommand.display(argv);
        context.log().pier("$ " + shown);
        int step = context.stepStarted(name, argv);
        ExecResult r = connection.exec(argv, (stream, text) -> {
            if (stdout != null && stream.equals("stdout")) {
                stdout.append(text).append('\n');
            } else {
                context.log().line(stream, text);
            }
        }, left);
        switch (r.ending()) {
            case EXITED -> {
                if (r.succeeded()) {
                    context.stepEnded(step, 0, "succeeded");
                    return null;
                }
                context.stepEnded(step, r.exitStatus(), "failed");
                String how = r.exitStatus() != null ? "exited with code " + r.exitStatus()
                        : "was killed by signal " + r.exitSignal();
                return new DeployOutcome.Failed("deploy_failed", name, r.exitStatus(),
                        "`docker compose " + name + "` " + how + " on " + endpoint());
            }
            case TIMED_OUT -> {
                context.stepEnded(step, null, "timed_out");
                return timedOut(name);
            }
            case ABORTED -> {
                context.stepEnded(step, null, "cancelled");
                return new DeployOutcome.Cancelled(context.cancellation().reason());
            }
            default -> {
                context.stepEnded(step, null, "failed");
                lost = true;
                return lostOutcome(name);
            }
        }
    }

    private DeployOutcome health(String ps, Prepared prepared) {
        List<ComposePs.Container> containers;
        try {
            containers = ComposePs.parse(ps);
        } catch (IllegalArgumentException e) {
            ps.lines().limit(50).forEach(l -> context.log().line("stdout", l));
            return new DeployOutcome.Failed("deploy_failed", "ps", null, e.getMessage());
        }
        containers.forEach(c -> context.log().pier("service " + c.service() + ": " + c.state()
                + (c.health().isEmpty() ? "" : " (" + c.health() + ")")));
        List<String> problems = ComposePs.problems(containers, prepared.services());
        if (problems.isEmpty()) {
            return null;
        }
        return new DeployOutcome.Failed("unhealthy", "ps", null, "not every service is running and healthy on "
                + endpoint() + ": " + String.join("; ", problems));
    }

    private DeployOutcome cleanUp(DeployOutcome outcome) {
        boolean failed = !(outcome instanceof DeployOutcome.Succeeded);
        boolean dropRelease = failed && !rollback() && releaseDirCreated;
        if (!envFileCreated && !dropRelease) {
            connection.close();
            return outcome;
        }
        String what = dropRelease ? "the env file and the release directory " + layout.release(releaseId)
                : "the env file " + layout.envFile(releaseId);
        String problem = null;
        try {
            SshConnection c = connection.isOpen() ? connection : reconnect();
            RemoteFiles files = new RemoteFiles(c.sftp());
            files.removeIfExists(layout.envFile(releaseId));
            if (dropRelease) {
                files.removeRelease(layout.release(releaseId));
            }
            context.log().pier("removed " + what);
        } catch (Exception e) {
            problem = message(e);
        } finally {
            connection.close();
        }
        if (problem == null) {
            return outcome;
        }
        String note = "could not remove " + what + " on " + endpoint() + " (" + problem + "); it holds secrets: remove"
                + " it by hand (the next deploy to this environment removes it too)";
        context.log().pier(note);
        return switch (outcome) {
            case DeployOutcome.Failed f -> new DeployOutcome.Failed(f.kind(), f.step(), f.exitCode(),
                    f.summary() + "; " + note);
            case DeployOutcome.Succeeded s -> new DeployOutcome.Succeeded(s.detail() + "; but " + note);
            case DeployOutcome.Cancelled c -> new DeployOutcome.Cancelled(c.reason() + "; " + note);
        };
    }

    private SshConnection reconnect() throws IOException {
        context.log().pier("the connection dropped; reconnecting once to remove the env file");
        connection.close();
        connection = deployer.connect(spec, context.log(), CLEANUP);
        return connection;
    }

    private DeployOutcome lostOutcome(String step) {
        return new DeployOutcome.Failed("connection_lost", step, null, "the connection to " + endpoint()
                + " dropped during " + step);
    }

    private DeployOutcome timedOut(String step) {
        return new DeployOutcome.Failed("timed_out", step, null, "the deploy did not finish within "
                + spec.timeout().toSeconds() + "s (timeout); `docker compose " + step + "` was stopped");
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private String endpoint() {
        return ComposeSshDeployer.endpoint(spec).toString();
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    private static String tail(List<String> history) {
        return history.isEmpty() ? "empty" : "with " + String.join(", ",
                history.subList(Math.max(0, history.size() - 2), history.size()));
    }

    /** The innermost message: MINA wraps the interesting part (a status, a refused channel) in layers. */
    static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}

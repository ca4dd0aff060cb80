package dev.pier.deploy.compose;

import dev.pier.config.ComposeSettings;
import dev.pier.config.DeployerSpec;
import dev.pier.config.DeployerSpec.EnvValue;
import dev.pier.config.EnvironmentSpec;
import dev.pier.deploy.compose.ComposeTemplates.RenderException;
import dev.pier.pipeline.DeployContext;
import dev.pier.pipeline.DeployOutcome;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.Deployer;
import dev.pier.pipeline.LogSink;
import dev.pier.pipeline.PlannedCommand;
import dev.pier.pipeline.Release;
import dev.pier.ssh.DeployKeys;
import dev.pier.ssh.HostKeyVerifier;
import dev.pier.ssh.KnownHosts;
import dev.pier.ssh.SshConnection;
import dev.pier.ssh.SshConnection.SshFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Type {@code compose-ssh} (seeds 003 and 004): {@code docker compose} on a server over SSH, through Apache MINA
 * SSHD with the node's deploy key and a pinned host key. See {@link ComposeDeploy} for one deploy, and
 * {@link #planRollback} / {@link #rollbackTo} for redeploying the previous release's kept compose.
 */
public final class ComposeSshDeployer implements Deployer {

    public static final String TYPE = "compose-ssh";

    /** Fetches the release's config bundle (for apps with {@code artifact: bundle}) into a directory. */
    @FunctionalInterface
    public interface BundleSource {
        void fetch(Release.ArtifactRef bundle, Path targetDir) throws IOException;
    }

    /** What a rollback would do: make {@code target} current again instead of {@code current}. */
    public record RollbackPlan(String current, String target, Release release) {}

    private final DeployKeys keys;
    private final Path tofuFile;
    private final BundleSource bundles;

    /** Keys in {@code $PIER_HOME/keys}, keys trusted on first use in {@code $PIER_HOME/known_hosts}. */
    public ComposeSshDeployer(Path pierHome, BundleSource bundles) {
        this(DeployKeys.under(pierHome), pierHome.resolve("known_hosts"), bundles);
    }

    public ComposeSshDeployer(DeployKeys keys, Path tofuFile, BundleSource bundles) {
        this.keys = keys;
        this.tofuFile = tofuFile;
        this.bundles = bundles;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<PlannedCommand> plan(DeployRequest request) {
        DeployerSpec.ComposeSsh spec = spec(request);
        ComposeSettings c = spec.compose();
        RemoteLayout layout = new RemoteLayout(c.remoteDir());
        List<String> files = c.templates().stream().map(ComposeSettings::renderedName).toList();
        List<String> base = layout.compose(c.docker(), c.project(), request.runId(), files);
        List<String> vars = new ArrayList<>();
        c.envFile().forEach((k, v) -> vars.add(k + "=" + (v instanceof EnvValue.Literal l ? l.template() : "***")));
        Map<String, String> env = Map.of(); // no variable is passed on the command line: they are in the env file
        String where = "on " + endpoint(spec) + " over SSH (deploy key " + spec.ssh().key() + "), with the env file "
                + layout.envFile(request.runId()) + " (0600, removed afterwards) holding " + String.join(" ", vars);
        Path dir = Path.of(c.remoteDir());
        List<PlannedCommand> out = new ArrayList<>();
        out.add(new PlannedCommand(with(base, "pull"), dir, env, where));
        out.add(new PlannedCommand(with(base, "up", "-d", "--remove-orphans", "--wait", "--wait-timeout",
                Long.toString(c.waitTimeout().toSeconds())), dir, env, "then"));
        out.add(new PlannedCommand(with(base, "ps", "--all", "--format", "json"), dir, env,
                "then every service must be running (and healthy when it has a health check)"));
        return out;
    }

    @Override
    public DeployOutcome deploy(DeployRequest request, DeployContext context) {
        return new ComposeDeploy(this, request, context, request.runId(), null).run();
    }

    /** A deployer that redeploys the kept compose of {@code plan.target()} (the run records its release). */
    public Deployer rollbackTo(RollbackPlan plan) {
        ComposeSshDeployer self = this;
        return new Deployer() {
            @Override
            public String type() {
                return TYPE;
            }

            @Override
            public List<PlannedCommand> plan(DeployRequest request) {
                return self.plan(request);
            }

            @Override
            public DeployOutcome deploy(DeployRequest request, DeployContext context) {
                context.log().pier("rollback: redeploying the kept compose of release " + plan.target()
                        + " in place of " + plan.current());
                return new ComposeDeploy(self, request, context, plan.target(), plan.current()).run();
            }
        };
    }

    /**
     * Reads the server's history: the release before the current one, and what it deployed.
     *
     * @throws IOException when the server cannot be reached or there is nothing to roll back to
     */
    public RollbackPlan planRollback(EnvironmentSpec env, LogSink log) throws IOException {
        if (!(env.deployer() instanceof DeployerSpec.ComposeSsh spec)) {
            throw new IllegalArgumentException("rollback needs a compose-ssh environment, not "
                    + env.deployer().type());
        }
        try (SshConnection c = connect(spec, log, spec.ssh().connectTimeout())) {
            RemoteLayout layout = new RemoteLayout(spec.compose().remoteDir());
            RemoteHistory history = new RemoteHistory(new RemoteFiles(c.sftp()), layout);
            List<String> ids = history.read();
            if (ids.size() < 2) {
                throw new IOException("nothing to roll back to: " + layout.history() + " on " + endpoint(spec)
                        + " lists " + ids.size() + " release(s)");
            }
            RemoteHistory.Kept kept = history.kept(ids.get(ids.size() - 2));
            return new RollbackPlan(ids.get(ids.size() - 1), kept.runId(), kept.release());
        } catch (SshFailure e) {
            throw new IOException(explain(spec, e), e);
        }
    }

    Prepared prepare(DeployRequest request, RemoteLayout layout) throws RenderException, IOException {
        ComposeSettings c = spec(request).compose();
        Path dir = c.templateDir();
        if (dir == null) {
            Release.ArtifactRef bundle = request.release().bundle();
            if (bundle == null) {
                throw new RenderException("the templates come from the release's config bundle, but it has none");
            }
            dir = request.workDir().resolve("bundle");
            Files.createDirectories(request.workDir());
            bundles.fetch(bundle, dir);
        }
        return Prepared.forRelease(request, c, dir, layout);
    }

    Prepared prepareKept(DeployRequest request, RemoteLayout layout, String releaseId, RemoteFiles files)
            throws IOException {
        RemoteHistory.Kept kept = new RemoteHistory(files, layout).kept(releaseId);
        Map<String, byte[]> content = new LinkedHashMap<>();
        for (String f : kept.composeFiles()) {
            String text = files.readText(layout.release(releaseId) + "/" + f);
            if (text == null) {
                throw new IOException("the kept compose file " + layout.release(releaseId) + "/" + f + " is missing");
            }
            content.put(f, text.getBytes(StandardCharsets.UTF_8));
        }
        try {
            return Prepared.forKept(request, spec(request).compose(), kept.composeFiles(), content,
                    layout.release(releaseId));
        } catch (RenderException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    SshConnection connect(DeployerSpec.ComposeSsh spec, LogSink log, Duration budget) throws IOException {
        var ssh = spec.ssh();
        List<java.security.KeyPair> identities;
        try {
            identities = keys.identities(ssh.key());
        } catch (DeployKeys.KeyException e) {
            throw new IOException(e.getMessage(), e);
        }
        Duration timeout = budget.compareTo(ssh.connectTimeout()) < 0 ? budget : ssh.connectTimeout();
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IOException("no time is left to connect (timeout)");
        }
        HostKeyVerifier verifier = new HostKeyVerifier(ssh.host(), ssh.port(), KnownHosts.parseAll(ssh.knownHosts()),
                ssh.trustOnFirstUse() ? tofuFile : null);
        log.pier("connecting to " + endpoint(spec) + " with deploy key " + ssh.key()
                + (identities.size() > 1 ? " (and its previous key: a rotation is under way)" : ""));
        SshConnection c = SshConnection.open(endpoint(spec), identities, verifier, timeout);
        if (verifier.warning() != null) {
            log.pier("WARNING: " + verifier.warning());
        }
        return c;
    }

    String explain(DeployerSpec.ComposeSsh spec, SshFailure e) {
        return switch (e.kind()) {
            case AUTH_REFUSED -> endpoint(spec) + " refused deploy key '" + spec.ssh().key() + "' ("
                    + fingerprint(spec.ssh().key()) + "): add the line `pier keys show " + spec.ssh().key()
                    + "` prints to ~" + spec.ssh().user() + "/.ssh/authorized_keys on the server; nothing was run";
            case HOST_KEY_REFUSED -> e.getMessage();
            default -> e.getMessage() + "; nothing was run";
        };
    }

    private String fingerprint(String key) {
        try {
            return keys.show(key).fingerprint();
        } catch (DeployKeys.KeyException ex) {
            return "unreadable";
        }
    }

    List<String> sshArgv(DeployerSpec.ComposeSsh spec) {
        return List.of("ssh", "-p", Integer.toString(spec.ssh().port()), spec.ssh().user() + "@" + spec.ssh().host());
    }

    static SshConnection.Endpoint endpoint(DeployerSpec.ComposeSsh spec) {
        return new SshConnection.Endpoint(spec.ssh().host(), spec.ssh().port(), spec.ssh().user());
    }

    static DeployerSpec.ComposeSsh spec(DeployRequest request) {
        if (!(request.environment().deployer() instanceof DeployerSpec.ComposeSsh c)) {
            throw new IllegalArgumentException("compose-ssh deployer given a "
                    + request.environment().deployer().type() + " deployer spec");
        }
        return c;
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }
}

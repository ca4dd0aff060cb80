package dev.pier.cli;

import dev.pier.config.EnvironmentSpec;
import dev.pier.config.NodeConfig;
import dev.pier.deploy.Deployers;
import dev.pier.deploy.argocd.ArgoCdDeployer;
import dev.pier.deploy.webhook.WebhookDeployer;
import dev.pier.deploy.compose.ComposeSshDeployer;
import dev.pier.deploy.OsProcessControl;
import dev.pier.deploy.ProcessGroupRunner;
import dev.pier.intake.ReleasePinner;
import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.Reference;
import dev.pier.oci.artifact.ArtifactPuller;
import dev.pier.oci.artifact.ExtractionLimits;
import dev.pier.oci.registry.NodeRegistries;
import dev.pier.pipeline.Release;
import java.io.IOException;
import dev.pier.intake.SignalIntake;
import dev.pier.pipeline.DeployRequest;
import dev.pier.pipeline.DeployService;
import dev.pier.pipeline.PlannedCommand;
import dev.pier.pipeline.RunRecovery;
import dev.pier.pipeline.RunStore;
import dev.pier.secret.SecretResolver;
import dev.pier.signal.ValidatedSignal;
import dev.pier.store.Database;
import dev.pier.store.FileEnvironmentLocks;
import dev.pier.store.JdbcAuditLog;
import dev.pier.store.JdbcRunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root: builds Pier's object graph by hand for one command. The only place that knows
 * which adapter serves which port.
 */
final class Node implements AutoCloseable {

    private final CliContext ctx;
    private final NodeConfig config;
    private final JdbcRunStore runs;
    private final JdbcAuditLog audit;
    private final FileEnvironmentLocks locks;
    private final OsProcessControl processes = new OsProcessControl();
    private final NodeRegistries registries;
    private final Deployers deployers;
    private final RunRecovery recovery;
    private final Database db;

    private Node(CliContext ctx, NodeConfig config) {
        this(ctx, config, dev.pier.oci.registry.RequestListener.NONE, dev.pier.pipeline.RunCallbacks.NONE);
    }

    private Node(CliContext ctx, NodeConfig config, dev.pier.oci.registry.RequestListener registryListener,
                 dev.pier.pipeline.RunCallbacks callbacks) {
        this.ctx = ctx;
        this.config = config;
        Path home = ctx.home();
        this.db = Database.openSqlite(home);
        this.runs = new JdbcRunStore(db.jdbi());
        this.audit = new JdbcAuditLog(db.jdbi());
        this.locks = new FileEnvironmentLocks(home);
        this.recovery = new RunRecovery(runs, locks, processes, ctx.clock(), this::environment);
        this.registries = config == null ? null
                : new NodeRegistries(config, new SecretResolver(config.secrets(), ctx.env()), registryListener);
        this.deployers = (registries == null ? Deployers.standard(new ProcessGroupRunner())
                : Deployers.standard(new ProcessGroupRunner(), this::fetchChart))
                .with(new WebhookDeployer(callbacks), new ArgoCdDeployer(), new ComposeSshDeployer(home, this::fetchBundle));
    }

    // A config bundle (compose templates) comes from the registry, by digest when pinned, verified and extracted.
    private void fetchBundle(Release.ArtifactRef bundle, Path target) throws IOException {
        if (registries == null) {
            throw new IOException("this node has no registry client to fetch " + bundle.deploy());
        }
        Reference ref;
        try {
            ref = Reference.parse(bundle.deploy().startsWith(Reference.OCI_SCHEME)
                    ? bundle.deploy().substring(Reference.OCI_SCHEME.length()) : bundle.deploy());
        } catch (InvalidReferenceException e) {
            throw new IOException("--bundle: " + e.getMessage());
        }
        String at = ref.hasDigest() ? ref.digest().toString() : ref.tag();
        ArtifactPuller.pull(registries.client(ref.registry()), ref.repository(), at, target, ExtractionLimits.DEFAULTS);
    }

    // Digest-pinned charts come from the registry by digest, verified, into the run's work directory.
    private void fetchChart(Release.ChartRef chart, Path target) throws IOException {
        Reference ref;
        try {
            ref = Reference.parseOci(chart.repository());
        } catch (InvalidReferenceException e) {
            throw new IOException("--chart: " + e.getMessage());
        }
        ArtifactPuller.pullChart(registries.client(ref.registry()), ref.repository(), chart.digest(), target,
                ExtractionLimits.DEFAULTS);
    }

    /** For commands that deploy: config and store. */
    static Node open(CliContext ctx, NodeConfig config) {
        return new Node(ctx, config);
    }

    /**
     * For {@code pier server}: registry exchanges are reported to {@code listener} (metrics); webhook deployers wait
     * for callbacks through {@code callbacks}.
     */
    static Node openServer(CliContext ctx, NodeConfig config, dev.pier.oci.registry.RequestListener listener,
                           dev.pier.pipeline.RunCallbacks callbacks) {
        return new Node(ctx, config, listener, callbacks);
    }

    /** For commands that only read runs: the config is used when one can be found, for orphan policies. */
    static Node openStore(CliContext ctx) {
        NodeConfig cfg;
        try {
            cfg = dev.pier.config.ConfigLoader.load(dev.pier.config.ConfigLocator.locate(null, ctx.env(), ctx.cwd()));
        } catch (dev.pier.config.ConfigException e) {
            cfg = null;
        }
        return new Node(ctx, cfg);
    }

    private Optional<EnvironmentSpec> environment(String app, String env) {
        return config == null ? Optional.empty() : config.app(app).flatMap(a -> a.environment(env));
    }

    RunStore runs() {
        return runs;
    }

    JdbcAuditLog audit() {
        return audit;
    }

    RunRecovery recovery() {
        return recovery;
    }

    SignalIntake intake() {
        return new SignalIntake(config, audit, new ReleasePinner(Optional.of(registries)),
                new SecretResolver(config.secrets(), ctx.env()), ctx.clock());
    }

    DeployService deployService() {
        return deployService(deployers::get);
    }

    /** The same service with other deployers, e.g. a compose-ssh rollback. */
    DeployService deployService(java.util.function.Function<String, dev.pier.pipeline.Deployer> using) {
        return new DeployService(runs, audit, locks, using, recovery, processes, ctx.clock(),
                ctx.home().resolve("work"), dev.pier.gate.HttpCheckGate.standard(ctx.clock()));
    }

    ComposeSshDeployer composeSsh() {
        return (ComposeSshDeployer) deployers.get(ComposeSshDeployer.TYPE);
    }

    SecretResolver secrets() {
        return new SecretResolver(config.secrets(), ctx.env());
    }

    dev.pier.intake.RunPreparation preparation() {
        return new dev.pier.intake.RunPreparation(config, new ReleasePinner(Optional.ofNullable(registries)),
                new SecretResolver(config.secrets(), ctx.env()));
    }

    FileEnvironmentLocks locks() {
        return locks;
    }

    dev.pier.auth.Tokens tokens() {
        return new dev.pier.auth.Tokens(new dev.pier.store.JdbcTokenStore(db.jdbi()), ctx.clock());
    }

    dev.pier.store.JdbcJtiLedger jtiLedger() {
        return new dev.pier.store.JdbcJtiLedger(db.jdbi(), ctx.clock());
    }

    NodeConfig config() {
        return config;
    }

    List<PlannedCommand> plan(ValidatedSignal v) {
        DeployRequest request = new DeployRequest("dry-run", v.app().name(), v.environment(), v.release(),
                ctx.home().resolve("work").resolve("dry-run"), Map.of());
        return deployers.get(v.environment().deployer().type()).plan(request);
    }

    @Override
    public void close() {
        // SQLite connections are opened per call by the data source; only registry clients are held.
        if (registries != null) {
            registries.close();
        }
    }
}

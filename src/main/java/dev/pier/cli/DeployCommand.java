package dev.pier.cli;

import dev.pier.config.ConfigException;
import dev.pier.config.NodeConfig;
import dev.pier.intake.ReleasePinner;
import dev.pier.pipeline.Accepted;
import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.DeployService;
import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.IfBusy;
import dev.pier.pipeline.PlannedCommand;
import dev.pier.pipeline.Run;
import dev.pier.signal.InvalidSignalException;
import dev.pier.signal.ValidatedSignal;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pier deploy}: the deploy-signal contract of seeds 000/001, run on this node. */
@Command(name = "deploy", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Deploy a release: validate the signal against the node config, record a run, run the "
                + "environment's deployer, and exit with the run's outcome.",
                "",
                "  pier deploy --app pytoya --chart oci://ghcr.io/acme/charts/pytoya \\",
                "    --chart-version 0.1.0-abcdef123456 \\",
                "    --images '{\"api\":\"ghcr.io/acme/pytoya/api:abcdef123456\",\"web\":\"ghcr.io/acme/pytoya/web:abcdef123456\"}'",
                ""},
        footer = {"", ExitCodes.TABLE})
final class DeployCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--app", required = true, paramLabel = "APP", description = "App name, as in the node config.")
    String app;

    @Option(names = "--env", paramLabel = "ENV", description = "Environment; may be omitted when the app has one.")
    String env;

    @Option(names = "--chart", paramLabel = "oci://REGISTRY/ORG/charts/ID", description = "Helm chart repository.")
    String chart;

    @Option(names = "--chart-version", paramLabel = "VERSION", description = "Chart version (SemVer).")
    String chartVersion;

    @Option(names = "--bundle", paramLabel = "oci://REF", description = "Config bundle, for apps with artifact: bundle.")
    String bundle;

    @Option(names = "--images", required = true, paramLabel = "JSON",
            description = "One JSON object: component -> full image reference with a tag or @sha256 digest.")
    String images;

    @Option(names = "--config", paramLabel = "FILE", description = "Node config (default: $PIER_CONFIG, then ./pier.yaml).")
    Path config;

    @Option(names = "--if-busy", defaultValue = "wait", paramLabel = "wait|fail",
            description = "When another run holds the environment: wait for it (default) or exit 4.")
    String ifBusy;

    @Option(names = "--dry-run", description = "Validate and print the exact deployer commands; run nothing.")
    boolean dryRun;

    @Option(names = "--server", paramLabel = "URL",
            description = "Send the signal to this Pier server (or $PIER_SERVER) instead of deploying here; the token"
                    + " comes from $PIER_TOKEN or --token-file. Follows the run and exits as a local deploy would.")
    String server;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the API token for --server.")
    Path tokenFile;

    @Option(names = "--no-wait", description = "With --server: print the run id once the server accepted the signal"
            + " (exit 0) instead of following it.")
    boolean noWait;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json",
            description = "Result format on stdout; the live log always goes to stderr.")
    OutputFormat output;

    DeployCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        IfBusy busy = ifBusy(ifBusy);
        if (server != null || (ctx.env().get("PIER_SERVER") != null && config == null && !dryRun)) {
            if (dryRun) {
                throw new CliException(ExitCodes.INVALID, "--dry-run runs on the node: drop --server");
            }
            DeploySignal remote = new DeploySignal(app, env, chart, chartVersion, bundle, images, "api", ctx.user());
            return new RemoteDeploy(ctx, ApiClient.of(ctx, server, tokenFile), output).deploy(remote, !noWait);
        }
        if (noWait) {
            throw new CliException(ExitCodes.INVALID, "--no-wait needs --server: a local deploy runs in this process");
        }
        NodeConfig cfg = ConfigCommand.load(ctx, config);
        DeploySignal signal = new DeploySignal(app, env, chart, chartVersion, bundle, images, "cli", ctx.user());
        try (Node node = Node.open(ctx, cfg)) {
            node.recovery().recoverIdle();
            return dryRun ? dryRun(node, signal) : deploy(node, signal, busy);
        } catch (InvalidSignalException e) {
            return SignalErrors.report(ctx, output, e);
        }
    }

    private int deploy(Node node, DeploySignal signal, IfBusy busy) throws InvalidSignalException {
        Accepted accepted;
        try {
            accepted = node.intake().accept(signal);
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.CONFIG, String.join("\n", e.problems()));
        } catch (ReleasePinner.PinningException e) {
            throw new CliException(ExitCodes.FAILED, e.getMessage());
        }
        return run(ctx, output, node.deployService(), accepted, busy);
    }

    /**
     * Runs an accepted signal here, SIGINT/SIGTERM cancelling it, its log live on stderr; prints the run and returns
     * its exit code. Shared with {@code pier rollback}.
     */
    static int run(CliContext ctx, OutputFormat output, DeployService service, Accepted accepted, IfBusy busy) {
        Cancellation cancel = new Cancellation();
        LiveOutput live = new LiveOutput(ctx);
        DeployService.Result result;
        try (TerminationSignals ignored = TerminationSignals.cancelOn(cancel)) {
            result = service.deploy(accepted, busy, cancel, live);
        }
        return switch (result) {
            case DeployService.Result.Busy b -> throw new CliException(ExitCodes.REFUSED, b.message());
            case DeployService.Result.Refused r -> throw new CliException(ExitCodes.REFUSED, r.message());
            case DeployService.Result.Finished f -> finished(ctx, output, f.run());
        };
    }

    static IfBusy ifBusy(String option) {
        return switch (option) {
            case "wait" -> IfBusy.WAIT;
            case "fail" -> IfBusy.FAIL;
            default -> throw new CliException(ExitCodes.INVALID, "--if-busy: must be wait or fail, got '" + option + "'");
        };
    }

    /** Prints a finished run (text or JSON) and returns its exit code. */
    static int finished(CliContext ctx, OutputFormat output, Run run) {
        if (output == OutputFormat.json) {
            ctx.out().println(dev.pier.json.Json.writePretty(RunView.json(run, null)));
        } else {
            switch (run.status()) {
                case SUCCEEDED -> ctx.out().printf("succeeded: %s/%s run %s%s%n", run.app(), run.environment(),
                        run.id(), run.deployedUrl() == null ? "" : "\ndeployed_url: " + run.deployedUrl());
                default -> {
                    ctx.out().printf("%s: %s/%s run %s%n", run.statusLabel(), run.app(), run.environment(), run.id());
                    if (run.error() != null) {
                        ctx.out().printf("error: %s%nstep: %s%s%n", run.error().summary(), run.error().step(),
                                run.error().exitCode() == null ? "" : " (exit code " + run.error().exitCode() + ")");
                    }
                }
            }
        }
        return ExitCodes.of(run);
    }

    private int dryRun(Node node, DeploySignal signal) throws InvalidSignalException {
        ValidatedSignal v = node.intake().validate(signal);
        List<PlannedCommand> plan = node.plan(v);
        if (output == OutputFormat.json) {
            var root = dev.pier.json.Json.mapper().createObjectNode();
            root.put("dry_run", true).put("app", v.app().name()).put("environment", v.environment().name())
                    .put("deployer", v.environment().deployer().type());
            root.set("release", dev.pier.json.Json.mapper().valueToTree(v.release()));
            root.set("commands", dev.pier.json.Json.mapper().valueToTree(plan));
            ctx.out().println(dev.pier.json.Json.writePretty(root));
        } else {
            ctx.out().printf("dry run: %s/%s would deploy with %s (nothing was run):%n", v.app().name(),
                    v.environment().name(), v.environment().deployer().type());
            for (PlannedCommand c : plan) {
                if (c.note() != null) {
                    ctx.out().println("  # " + c.note());
                }
                c.env().forEach((k, val) -> ctx.out().printf("  %s=%s \\%n", k, Shell.quote(val)));
                ctx.out().println("  " + Shell.quote(c.argv()));
            }
        }
        return ExitCodes.SUCCEEDED;
    }
}

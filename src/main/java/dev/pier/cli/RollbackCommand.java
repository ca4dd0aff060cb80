package dev.pier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.AppSpec;
import dev.pier.config.DeployerSpec;
import dev.pier.config.EnvironmentSpec;
import dev.pier.config.NodeConfig;
import dev.pier.deploy.compose.ComposeSshDeployer;
import dev.pier.deploy.compose.ComposeSshDeployer.RollbackPlan;
import dev.pier.json.Json;
import dev.pier.pipeline.Accepted;
import dev.pier.pipeline.AuditLog;
import dev.pier.pipeline.DeploySignal;
import dev.pier.secret.SecretResolver.SecretException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pier rollback}: redeploys the previous release of a {@code compose-ssh} environment from the rendered
 * compose kept on the server (seed 003's rollback drill). It is a run like any deploy: one per environment at a
 * time, recorded, cancellable, with the release it restores.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Roll a compose-ssh environment back to the release before the current one: its kept compose"
                + " (no secrets) is redeployed with a fresh env file, and it becomes current again. Repeat to go"
                + " further back.", "", "  pier rollback --app quantum --env production", ""},
        footer = {"", ExitCodes.TABLE})
final class RollbackCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--app", required = true, paramLabel = "APP")
    String app;

    @Option(names = "--env", paramLabel = "ENV", description = "Environment; may be omitted when the app has one.")
    String env;

    @Option(names = "--config", paramLabel = "FILE", description = "Node config (default: $PIER_CONFIG, then ./pier.yaml).")
    Path config;

    @Option(names = "--if-busy", defaultValue = "wait", paramLabel = "wait|fail")
    String ifBusy;

    @Option(names = "--dry-run", description = "Show which release would be restored; change nothing.")
    boolean dryRun;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json")
    OutputFormat output;

    RollbackCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        var busy = DeployCommand.ifBusy(ifBusy);
        NodeConfig cfg = ConfigCommand.load(ctx, config);
        AppSpec a = cfg.app(app).orElseThrow(() -> new CliException(ExitCodes.INVALID, "--app: unknown app '" + app
                + "' (known: " + String.join(", ", cfg.apps().keySet()) + ")"));
        EnvironmentSpec e = environment(a);
        if (!(e.deployer() instanceof DeployerSpec.ComposeSsh)) {
            throw new CliException(ExitCodes.INVALID, app + "/" + e.name() + " deploys with " + e.deployer().type()
                    + "; pier rollback works for compose-ssh environments (for others, deploy the previous release"
                    + " again with pier deploy)");
        }
        try (Node node = Node.open(ctx, cfg)) {
            node.recovery().recoverIdle();
            ComposeSshDeployer compose = node.composeSsh();
            RollbackPlan plan;
            try {
                plan = compose.planRollback(e, new LiveOutput(ctx));
            } catch (IOException ex) {
                throw new CliException(ExitCodes.FAILED, "cannot roll back " + app + "/" + e.name() + ": "
                        + ex.getMessage());
            }
            if (dryRun) {
                return printPlan(e, plan);
            }
            Map<String, String> secrets;
            try {
                secrets = node.secrets().resolve(e.deployer().secretNames());
            } catch (SecretException ex) {
                throw new CliException(ExitCodes.CONFIG, cfg.source() + ": " + ex.getMessage());
            }
            DeploySignal signal = new DeploySignal(app, e.name(), null, null,
                    plan.release().bundle() == null ? null : plan.release().bundle().given(), images(plan), "cli",
                    ctx.user());
            node.audit().record(new AuditLog.Entry(ctx.clock().instant(), ctx.user(), "rollback", app, e.name(),
                    "accepted", "roll back from release " + plan.current() + " to " + plan.target()));
            Accepted accepted = new Accepted(signal, a, e, plan.release(), secrets);
            return DeployCommand.run(ctx, output, node.deployService(type -> compose.rollbackTo(plan)), accepted, busy);
        }
    }

    private EnvironmentSpec environment(AppSpec a) {
        if (env == null) {
            if (a.environments().size() != 1) {
                throw new CliException(ExitCodes.INVALID, "--env: " + app + " has several environments ("
                        + String.join(", ", a.environments().keySet()) + "); name one");
            }
            return a.environments().values().iterator().next();
        }
        return a.environment(env).orElseThrow(() -> new CliException(ExitCodes.INVALID, "--env: " + app
                + " has no environment '" + env + "' (it has " + String.join(", ", a.environments().keySet()) + ")"));
    }

    private static String images(RollbackPlan plan) {
        ObjectNode n = Json.mapper().createObjectNode();
        plan.release().images().forEach((c, ref) -> {
            if (ref.defaultedFrom() == null) {
                n.put(c, ref.given());
            }
        });
        return n.toString();
    }

    private int printPlan(EnvironmentSpec e, RollbackPlan plan) {
        if (output == OutputFormat.json) {
            ObjectNode n = Json.mapper().createObjectNode().put("dry_run", true).put("app", app)
                    .put("environment", e.name()).put("current", plan.current()).put("target", plan.target());
            n.set("release", Json.mapper().valueToTree(plan.release()));
            ctx.out().println(Json.writePretty(n));
        } else {
            ctx.out().printf("dry run: %s/%s would roll back from release %s to %s (nothing was run):%n", app,
                    e.name(), plan.current(), plan.target());
            plan.release().images().forEach((c, ref) -> ctx.out().printf("  %s  %s%n", c, ref.deploy()));
        }
        return ExitCodes.SUCCEEDED;
    }
}

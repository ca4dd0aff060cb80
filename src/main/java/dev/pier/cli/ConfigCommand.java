package dev.pier.cli;

import dev.pier.config.ConfigException;
import dev.pier.config.ConfigLoader;
import dev.pier.config.ConfigLocator;
import dev.pier.config.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pier config validate|schema}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check the node config, or print its JSON Schema.",
        subcommands = {ConfigCommand.Validate.class, ConfigCommand.Schema.class})
final class ConfigCommand {

    /** Loads the config the way every command does, mapping problems to exit code 3. */
    static NodeConfig load(CliContext ctx, Path explicit) {
        try {
            return ConfigLoader.load(ConfigLocator.locate(explicit, ctx.env(), ctx.cwd()));
        } catch (ConfigException e) {
            throw new CliException(ExitCodes.CONFIG, "invalid node config:\n  " + String.join("\n  ", e.problems()));
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, description = "Validate the node config against the schema and its cross-references.")
    static final class Validate implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--config", paramLabel = "FILE", description = "Node config (default: $PIER_CONFIG, then ./pier.yaml).")
        Path config;

        @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
        OutputFormat output;

        Validate(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            NodeConfig cfg = load(ctx, config);
            if (output == OutputFormat.json) {
                var node = dev.pier.json.Json.mapper().createObjectNode();
                node.put("valid", true).put("file", cfg.source().toString());
                var apps = node.putObject("apps");
                cfg.apps().forEach((name, app) -> {
                    var envs = apps.putObject(name).putArray("environments");
                    app.environments().keySet().forEach(envs::add);
                });
                ctx.out().println(dev.pier.json.Json.writePretty(node));
            } else {
                ctx.out().println(cfg.source() + ": valid");
                cfg.apps().values().forEach(app -> app.environments().values().forEach(env ->
                        ctx.out().printf("  %s/%s: %s deployer, pin %s%n", app.name(), env.name(),
                                env.deployer().type(), env.pin() == dev.pier.config.EnvironmentSpec.PinMode.DIGEST
                                        ? "digest" : "as-given")));
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true, description = "Print the JSON Schema of the node config.")
    static final class Schema implements Callable<Integer> {
        private final CliContext ctx;

        Schema(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ctx.out().print(ConfigLoader.schemaText());
            ctx.out().flush();
            return ExitCodes.SUCCEEDED;
        }
    }
}

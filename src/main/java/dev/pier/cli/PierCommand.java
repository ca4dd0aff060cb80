package dev.pier.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pier}: the top-level command. */
@Command(name = "pier", usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Pier: a self-hosted delivery controller. Takes deploy signals, resolves references, "
                + "deploys through node-owned mechanisms and records every deploy as a durable run.",
        subcommands = {DeployCommand.class, RunsCommand.class, RunCommand.class, ConfigCommand.class,
                ArtifactCommand.class, AuditCommand.class, DemoCommand.class, ServerCommand.class,
                TokenCommand.class, DecideCommand.Approve.class, DecideCommand.Reject.class, KeysCommand.class,
                RollbackCommand.class},
        footer = {"", ExitCodes.TABLE, "",
                "Environment: PIER_HOME (default ~/.pier), PIER_CONFIG (default ./pier.yaml)."})
public final class PierCommand {

    @Option(names = "--verbose", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Show stack traces for unexpected errors.")
    boolean verbose;
}

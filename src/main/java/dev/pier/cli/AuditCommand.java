package dev.pier.cli;

import dev.pier.json.Json;
import dev.pier.pipeline.AuditLog;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pier audit}: what was refused or decided, newest first. Refused signals appear only here. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit log: refused signals and other decisions, newest first.")
final class AuditCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
    OutputFormat output;

    AuditCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (limit < 1 || limit > 1000) {
            throw new CliException(ExitCodes.INVALID, "--limit: must be between 1 and 1000");
        }
        try (Node node = Node.openStore(ctx)) {
            List<AuditLog.Entry> entries = node.audit().recent(limit);
            if (output == OutputFormat.json) {
                ctx.out().println(Json.writePretty(entries));
            } else if (entries.isEmpty()) {
                ctx.out().println("no audit entries");
            } else {
                for (AuditLog.Entry e : entries) {
                    ctx.out().printf("%s  %-8s %-8s %s/%s by %s%n    %s%n", e.at(), e.action(), e.outcome(),
                            e.app(), e.environment() == null ? "-" : e.environment(), e.actor(),
                            e.reason().replace("\n", "\n    "));
                }
            }
        }
        return ExitCodes.SUCCEEDED;
    }
}

package dev.pier.cli;

import dev.pier.json.Json;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore.RunQuery;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pier runs}: recent runs, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List recent runs, newest first.")
final class RunsCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--app", description = "Only this app.")
    String app;

    @Option(names = "--env", description = "Only this environment.")
    String env;

    @Option(names = "--status", description = "Only runs in this status (queued, deploying, succeeded, failed, …).")
    String status;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
    OutputFormat output;

    RunsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RunStatus wanted;
        try {
            wanted = status == null ? null : RunStatus.fromWire(status);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.INVALID, "--status: " + e.getMessage());
        }
        if (limit < 1 || limit > 1000) {
            throw new CliException(ExitCodes.INVALID, "--limit: must be between 1 and 1000");
        }
        try (Node node = Node.openStore(ctx)) {
            node.recovery().recoverIdle();
            List<Run> runs = node.runs().list(new RunQuery(app, env, wanted, limit));
            if (output == OutputFormat.json) {
                var array = Json.mapper().createArrayNode();
                runs.forEach(r -> array.add(RunView.json(r, null)));
                ctx.out().println(Json.writePretty(array));
            } else if (runs.isEmpty()) {
                ctx.out().println("no runs");
            } else {
                runs.forEach(r -> RunView.row(ctx.out(), r));
            }
        }
        return ExitCodes.SUCCEEDED;
    }
}

package dev.pier.cli;

import dev.pier.json.Json;
import dev.pier.pipeline.LogLine;
import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunIds;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pier run <id>}: one run with its steps, history and log; {@code --follow} until it ends. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Show one run: status, release, steps, result or error report, and log.",
        footer = {"", ExitCodes.TABLE, "", "With --follow, the exit code is the run's outcome."})
final class RunCommand implements Callable<Integer> {

    private static final int PAGE = 1000;

    private final CliContext ctx;

    @Parameters(paramLabel = "RUN_ID")
    String id;

    @Option(names = "--follow", description = "Stream the log until the run ends; exit with its outcome.")
    boolean follow;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
    OutputFormat output;

    RunCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!RunIds.isWellFormed(id)) {
            throw new CliException(ExitCodes.INVALID, "'" + id + "' is not a run id (26 characters, as `pier runs` shows)");
        }
        try (Node node = Node.openStore(ctx)) {
            node.recovery().recoverIdle();
            Run run = node.runs().find(id)
                    .orElseThrow(() -> new CliException(ExitCodes.INVALID, "no run " + id + " on this node"));
            if (follow) {
                run = follow(node, run);
            }
            List<LogLine> log = node.runs().log(id, 0, 100_000);
            if (output == OutputFormat.json) {
                ctx.out().println(Json.writePretty(RunView.json(run, log)));
            } else if (!follow) {
                RunView.text(ctx.out(), run, log);
            } else {
                ctx.out().printf("%s: run %s%s%n", run.statusLabel(), run.id(),
                        run.deployedUrl() == null ? "" : "\ndeployed_url: " + run.deployedUrl());
            }
            return follow ? ExitCodes.of(run) : ExitCodes.SUCCEEDED;
        }
    }

    private Run follow(Node node, Run run) throws InterruptedException {
        long seq = 0;
        while (true) {
            for (LogLine l : node.runs().log(id, seq, PAGE)) {
                ctx.err().println(l.stream().equals("pier") ? "pier: " + l.text() : "  | " + l.text());
                seq = l.seq();
            }
            ctx.err().flush();
            if (run.status().isTerminal()) {
                if (node.runs().log(id, seq, 1).isEmpty()) {
                    return run;
                }
                continue;
            }
            Thread.sleep(200); // the store has no change feed yet; poll it
            node.recovery().recoverIdle();
            run = node.runs().find(id).orElseThrow();
        }
    }
}

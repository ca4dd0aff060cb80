package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.json.Json;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pier approve} and {@code pier reject}: a person's decision on a run awaiting approval. */
abstract class DecideCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
    String run;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Recorded with the decision.")
    String comment;

    @Option(names = "--server", paramLabel = "URL", description = "The Pier server (default: $PIER_SERVER).")
    String server;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding your API token (default: $PIER_TOKEN).")
    Path tokenFile;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json")
    OutputFormat output;

    DecideCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    abstract boolean approve();

    @Override
    public Integer call() {
        ApiClient api = ApiClient.of(ctx, server, tokenFile);
        ObjectNode body = Json.mapper().createObjectNode();
        if (comment != null) {
            body.put("comment", comment);
        }
        ApiClient.Response r = api.post("/api/v1/runs/" + run + "/" + (approve() ? "approve" : "reject"), body);
        if (r.status() != 200) {
            throw new CliException(ApiClient.exitCode(r.status()), r.message());
        }
        JsonNode after = r.body();
        if (output == OutputFormat.json) {
            ctx.out().println(Json.writePretty(after));
        } else {
            JsonNode a = after.path("approval");
            long approvals = 0;
            for (JsonNode d : a.path("decisions")) {
                approvals += "approve".equals(d.path("decision").asText()) ? 1 : 0;
            }
            ctx.out().printf("run %s is %s (%d of %d approvals)%n", run, after.path("status_label").asText(),
                    approvals, a.path("required").asInt());
        }
        return ExitCodes.SUCCEEDED;
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve a run awaiting approval. You cannot approve a run you signalled (four eyes).")
    static final class Approve extends DecideCommand {
        Approve(CliContext ctx) {
            super(ctx);
        }

        @Override
        boolean approve() {
            return true;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a run awaiting approval.")
    static final class Reject extends DecideCommand {
        Reject(CliContext ctx) {
            super(ctx);
        }

        @Override
        boolean approve() {
            return false;
        }
    }
}

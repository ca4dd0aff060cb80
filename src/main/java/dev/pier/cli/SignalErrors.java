package dev.pier.cli;

import dev.pier.json.Json;
import dev.pier.signal.InvalidSignalException;
import dev.pier.signal.Violation;

/** Prints a refused signal: every violation, naming the argument and the rule; exit code 2. */
final class SignalErrors {

    private SignalErrors() {}

    static int report(CliContext ctx, OutputFormat output, InvalidSignalException e) {
        if (output == OutputFormat.json) {
            var root = Json.mapper().createObjectNode();
            root.put("error", "invalid_signal");
            root.put("message", e.getMessage());
            var list = root.putArray("violations");
            for (Violation v : e.violations()) {
                list.addObject().put("argument", v.argument()).put("rule", v.rule()).put("message", v.message());
            }
            ctx.out().println(Json.writePretty(root));
        }
        ctx.err().println("pier: invalid signal; nothing was deployed:");
        for (Violation v : e.violations()) {
            ctx.err().println("  " + v.argument() + ": " + v.message() + " [" + v.rule() + "]");
        }
        ctx.err().flush();
        return ExitCodes.INVALID;
    }
}

package dev.pier.cli;

import dev.pier.json.Json;
import dev.pier.signal.InvalidSignalException;
import dev.pier.signal.Violation;

/** Prints a refused signal: every violation, naming the argument and the rule; exit code 2. */
final class SignalErrors {

    private SignalErrors() {}

    static int report(CliContext ctx, OutputFormat output, InvalidSignalException e) {
        if (output == OutputFormat.json) {
            ctx.out().println(Json.writePretty(dev.pier.json.ErrorJson.invalidSignal(e)));
        }
        ctx.err().println("pier: invalid signal; nothing was deployed:");
        for (Violation v : e.violations()) {
            ctx.err().println("  " + v.argument() + ": " + v.message() + " [" + v.rule() + "]");
        }
        ctx.err().flush();
        return ExitCodes.INVALID;
    }
}

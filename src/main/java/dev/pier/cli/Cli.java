package dev.pier.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;

/** Builds the command line and maps every failure to one message and a documented exit code. */
public final class Cli {

    private Cli() {}

    public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
        CliContext ctx = new CliContext(out, err, env, Path.of("").toAbsolutePath(), Clock.systemUTC(),
                Boolean.getBoolean("pier.stderr.tty")); // set by the launcher from `test -t 2`
        return run(ctx, args);
    }

    public static int run(CliContext ctx, String... args) {
        PierCommand root = new PierCommand();
        CommandLine cmd = new CommandLine(root, factory(ctx));
        cmd.setOut(ctx.out());
        cmd.setErr(ctx.err());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, a) -> {
            ctx.err().println("pier: " + ex.getMessage());
            ctx.err().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.INVALID;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof CliException e) {
                ctx.err().println("pier: " + e.getMessage());
                return e.exitCode();
            }
            ctx.err().println("pier: unexpected error: " + ex);
            if (root.verbose) {
                ex.printStackTrace(ctx.err());
            } else {
                ctx.err().println("(run with --verbose for the stack trace)");
            }
            return ExitCodes.FAILED;
        });
        int code = cmd.execute(args);
        ctx.out().flush();
        ctx.err().flush();
        return code;
    }

    // Commands take the context through their constructor, so they never reach for globals.
    private static CommandLine.IFactory factory(CliContext ctx) {
        CommandLine.IFactory fallback = CommandLine.defaultFactory();
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    Constructor<K> c = cls.getDeclaredConstructor(CliContext.class);
                    c.setAccessible(true);
                    return c.newInstance(ctx);
                } catch (NoSuchMethodException e) {
                    return fallback.create(cls);
                }
            }
        };
    }
}

package dev.pier.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.json.Json;
import dev.pier.ssh.AuthorizedKeysLine;
import dev.pier.ssh.DeployKeys;
import dev.pier.ssh.DeployKeys.KeyException;
import dev.pier.ssh.DeployKeys.KeyInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pier keys}: the node's SSH deploy keys under {@code $PIER_HOME/keys} (S14). Needs no config file. The
 * authorized_keys line goes to stdout, explanations to stderr, so {@code pier keys show NAME | ssh … 'cat >>
 * ~/.ssh/authorized_keys'} works; the private key is printed only with {@code --export-private}, after a warning.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Manage SSH deploy keys (ed25519, OpenSSH format) in $PIER_HOME/keys for compose-ssh deployers.",
                "The private key stays on this node (mode 0600) unless --export-private prints it."},
        subcommands = {KeysCommand.Generate.class, KeysCommand.Rotate.class, KeysCommand.Show.class,
                KeysCommand.ListKeys.class, KeysCommand.DropPrevious.class})
final class KeysCommand {

    static DeployKeys keys(CliContext ctx) {
        return DeployKeys.under(ctx.home());
    }

    /** How the authorized_keys line is written, and the output format. */
    static final class LineOptions {
        @Option(names = "--legacy-options", description = "Leave out `restrict`, for servers older than OpenSSH 7.2"
                + " (they refuse a line with an option they do not know); the explicit no-* options stay.")
        boolean legacy;

        @Option(names = "--from", paramLabel = "PATTERNS", description = "Add from=\"PATTERNS\" (the addresses this"
                + " node connects from, e.g. 203.0.113.7 or 10.0.0.0/8): the key is refused from anywhere else.")
        String from;

        @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json")
        OutputFormat output;

        String line(KeyInfo k) {
            try {
                return AuthorizedKeysLine.of(k.publicLine(), legacy ? AuthorizedKeysLine.Options.LEGACY
                        : AuthorizedKeysLine.Options.MODERN, from);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.INVALID, e.getMessage());
            }
        }
    }

    /** Prints a key: the authorized_keys line on stdout (text), or everything as JSON. */
    static void print(CliContext ctx, LineOptions o, KeyInfo k, String what, boolean lineToStderr) {
        if (o.output == OutputFormat.json) {
            ObjectNode n = json(k, o);
            if (k.previous() != null) {
                n.set("previous", json(k.previous(), o));
            }
            ctx.out().println(Json.writePretty(n));
            return;
        }
        ctx.err().printf("%sdeploy key '%s' (ED25519 %s); the private key is %s (0600)%s.%n",
                what.isEmpty() ? "" : what + " ", k.name(), k.fingerprint(), k.privateFile(),
                lineToStderr ? "" : " and stays on this node");
        if (k.previous() != null) {
            ctx.err().printf("rotation under way: the previous key (%s) is offered too until"
                    + " `pier keys drop-previous %s`.%n", k.previous().fingerprint(), k.name());
        }
        ctx.err().println("Add this line to ~USER/.ssh/authorized_keys on each server it deploys to:");
        (lineToStderr ? ctx.err() : ctx.out()).println(o.line(k));
    }

    private static ObjectNode json(KeyInfo k, LineOptions o) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("name", k.name()).put("fingerprint", k.fingerprint()).put("public_key", k.publicLine())
                .put("authorized_keys", o.line(k)).put("private_key_file", k.privateFile().toString());
        return n;
    }

    /** With --export-private: the warning on stderr, then the private key alone on stdout. */
    static void exportPrivate(CliContext ctx, DeployKeys keys, String name) throws KeyException {
        ctx.err().println("WARNING: printing the PRIVATE deploy key '" + name + "'. Whoever holds it can log in to every"
                + " server that lists its public key. Store it only as a CI secret (seed 004's DEPLOY_SSH_KEY), never"
                + " in a repository or a log. Keeping it on this node (the default) is safer: see the README.");
        ctx.out().print(keys.privateKeyText(name));
    }

    static CliException refused(KeyException e) {
        return new CliException(ExitCodes.INVALID, e.getMessage());
    }

    /** generate and rotate: make a pair, print its line, and with --export-private the private key. */
    abstract static class Making implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(paramLabel = "NAME", description = "Key name, as compose-ssh deployers' key: field names it.")
        String name;

        @Option(names = "--export-private", description = "Also print the private key (stdout, after a warning on"
                + " stderr; the authorized_keys line then goes to stderr) for CI that holds the key itself.")
        boolean exportPrivate;

        @Mixin
        LineOptions options = new LineOptions();

        Making(CliContext ctx) {
            this.ctx = ctx;
        }

        abstract KeyInfo make(DeployKeys keys) throws KeyException;

        abstract String verb();

        @Override
        public Integer call() {
            DeployKeys keys = keys(ctx);
            if (exportPrivate && options.output == OutputFormat.json) {
                throw new CliException(ExitCodes.INVALID, "--export-private prints the key file as it is: drop -o json");
            }
            try {
                KeyInfo k = make(keys);
                print(ctx, options, k, verb(), exportPrivate);
                if (exportPrivate) {
                    exportPrivate(ctx, keys, name);
                }
            } catch (KeyException e) {
                throw refused(e);
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Create an ed25519 deploy key pair and print its authorized_keys line.")
    static final class Generate extends Making {
        Generate(CliContext ctx) {
            super(ctx);
        }

        @Override
        KeyInfo make(DeployKeys keys) throws KeyException {
            return keys.generate(name);
        }

        @Override
        String verb() {
            return "generated";
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = {
            "Replace a deploy key with a new pair. The old pair is kept as NAME.previous and offered after the new one,",
            "so deploys keep working while servers move over: add the new line on each server, deploy once, remove",
            "the old line, then run `pier keys drop-previous NAME`."})
    static final class Rotate extends Making {
        Rotate(CliContext ctx) {
            super(ctx);
        }

        @Override
        KeyInfo make(DeployKeys keys) throws KeyException {
            return keys.rotate(name);
        }

        @Override
        String verb() {
            return "rotated";
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a deploy key's public part: its authorized_keys line and fingerprint. Never the"
                    + " private key.")
    static final class Show implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        LineOptions options = new LineOptions();

        Show(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try {
                print(ctx, options, keys(ctx).show(name), "", false);
            } catch (KeyException e) {
                throw refused(e);
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List deploy keys and fingerprints.")
    static final class ListKeys implements Callable<Integer> {
        private final CliContext ctx;

        ListKeys(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            DeployKeys keys = keys(ctx);
            for (String name : keys.names()) {
                try {
                    KeyInfo k = keys.show(name);
                    ctx.out().printf("%s  ED25519 %s%s%n", name, k.fingerprint(),
                            k.previous() == null ? "" : "  (previous " + k.previous().fingerprint() + ")");
                } catch (KeyException e) {
                    ctx.out().printf("%s  unreadable: %s%n", name, e.getMessage());
                }
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "drop-previous", mixinStandardHelpOptions = true,
            description = "Forget the key a rotation kept, once no server lists it any more.")
    static final class DropPrevious implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(paramLabel = "NAME")
        String name;

        DropPrevious(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try {
                keys(ctx).dropPrevious(name);
            } catch (KeyException e) {
                throw refused(e);
            }
            ctx.err().printf("dropped the previous key of '%s'%n", name);
            return ExitCodes.SUCCEEDED;
        }
    }
}

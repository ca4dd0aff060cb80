package dev.pier.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.auth.ApiToken;
import dev.pier.auth.Scope;
import dev.pier.auth.Tokens;
import dev.pier.config.Durations;
import dev.pier.json.Json;
import dev.pier.store.Database;
import dev.pier.store.JdbcTokenStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pier token}: API tokens in this node's store. Run on the node; this is how the first admin is made. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Manage API tokens in this node's store ($PIER_HOME). Only a hash of each token is kept.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand {

    static Tokens tokens(CliContext ctx) {
        return new Tokens(new JdbcTokenStore(Database.openSqlite(ctx.home()).jdbi()), ctx.clock());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {
            "Create a token and print it once (stdout). Scopes: ACTION[:APP[/ENV]] with * globs;",
            "actions: signal (send signals, read and cancel runs), approve, admin (everything).",
            "  pier token create --owner ci-pytoya --scope signal:pytoya/staging --expires 90d",
            "  pier token create --owner alice --scope approve:*/production"})
    static final class Create implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--owner", required = true, description = "The person (or CI identity) it belongs to.")
        String owner;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "Repeatable.")
        List<String> scopes;

        @Option(names = "--expires", paramLabel = "DURATION", description = "e.g. 30d, 12h (default: never).")
        String expires;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json")
        OutputFormat output;

        Create(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Tokens.Created made;
            try {
                List<Scope> parsed = scopes.stream().map(Scope::parse).toList();
                Duration lifetime = expires == null ? null : Durations.parse(expires);
                made = tokens(ctx).create(owner, parsed, lifetime, description, "local:" + ctx.user());
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.INVALID, e.getMessage());
            }
            if (output == OutputFormat.json) {
                ObjectNode n = json(made.token(), ctx);
                n.put("token", made.secret());
                ctx.out().println(Json.writePretty(n));
            } else {
                ctx.out().println(made.secret());
                ctx.err().println("pier: token " + made.token().id() + " for " + owner + " (" + made.token().scopes()
                        + (made.token().expiresAt() == null ? ", never expires" : ", expires "
                        + made.token().expiresAt()) + "); it is shown only now");
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "text|json")
        OutputFormat output;

        ListTokens(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<ApiToken> all = tokens(ctx).list();
            if (output == OutputFormat.json) {
                ArrayNode arr = Json.mapper().createArrayNode();
                all.forEach(t -> arr.add(json(t, ctx)));
                ctx.out().println(Json.writePretty(arr));
            } else {
                ctx.out().printf("%-16s %-16s %-8s %-26s %s%n", "ID", "OWNER", "STATE", "EXPIRES", "SCOPES");
                all.forEach(t -> ctx.out().printf("%-16s %-16s %-8s %-26s %s%n", t.id(), t.owner(),
                        t.state(ctx.clock().instant()), t.expiresAt() == null ? "never" : t.expiresAt(), t.scopes()));
            }
            return ExitCodes.SUCCEEDED;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token at once.")
    static final class Revoke implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(paramLabel = "ID")
        String id;

        Revoke(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            if (!tokens(ctx).revoke(id)) {
                throw new CliException(ExitCodes.INVALID, "no active token " + id);
            }
            ctx.out().println("revoked " + id);
            return ExitCodes.SUCCEEDED;
        }
    }

    static ObjectNode json(ApiToken t, CliContext ctx) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", t.id()).put("owner", t.owner()).put("state", t.state(ctx.clock().instant()))
                .put("created_at", t.createdAt().toString())
                .put("expires_at", t.expiresAt() == null ? null : t.expiresAt().toString());
        ArrayNode s = n.putArray("scopes");
        t.scopes().forEach(x -> s.add(x.toString()));
        return n;
    }
}

package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code pier demo}: Pier's main job on embedded defaults. Writes a demo node config into
 * {@code $PIER_HOME/demo}, deploys a seed-001 release of pytoya through a real command deployer, shows
 * the recorded run, then shows a bad signal being refused.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Deploy a sample pytoya release on embedded defaults (SQLite under "
        + "$PIER_HOME, a local command deployer) and show the recorded run.")
final class DemoCommand implements Callable<Integer> {

    static final String CHART = "oci://ghcr.io/acme/charts/pytoya";
    static final String VERSION = "0.1.0-3f9c2ab41d7e";
    static final String IMAGES = "{\"api\":\"ghcr.io/acme/pytoya/api:3f9c2ab41d7e\","
            + "\"web\":\"ghcr.io/acme/pytoya/web:3f9c2ab41d7e\"}";

    private final CliContext ctx;

    DemoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        Path dir = ctx.home().resolve("demo");
        Path releases = dir.resolve("releases");
        Files.createDirectories(releases);
        Path config = dir.resolve("pier.yaml");
        Files.writeString(config, resource("pier.yaml")
                .replace("@RELEASES@", releases.toString()).replace("@DEMO@", dir.toString()));
        Files.writeString(dir.resolve("deploy.sh"), resource("deploy.sh"));

        PrintWriter out = ctx.out();
        out.println("== 1. A deploy signal (seed 001's contract), run on this node");
        out.printf("$ pier deploy --config %s --app pytoya --chart %s --chart-version %s --images '%s'%n%n",
                config, CHART, VERSION, IMAGES);
        StringWriter json = new StringWriter();
        CliContext quiet = new CliContext(new PrintWriter(json), ctx.err(), ctx.env(), ctx.cwd(), ctx.clock(),
                ctx.interactive());
        int code = Cli.run(quiet, "deploy", "--config", config.toString(), "--app", "pytoya", "--chart", CHART,
                "--chart-version", VERSION, "--images", IMAGES, "-o", "json");
        if (code != ExitCodes.SUCCEEDED) {
            out.println(json);
            return code;
        }
        JsonNode run = Json.mapper().readTree(json.toString());
        out.printf("%n== 2. The recorded run (pier run %s)%n", run.get("id").asText());
        Cli.run(ctx, "run", run.get("id").asText());
        out.printf("%n== 3. What the deployer left: %s -> %s%n", releases.resolve("current"),
                Files.readSymbolicLink(releases.resolve("current")));
        out.printf("%n== 4. A bad signal is refused before anything runs (exit code 2)%n");
        out.println("$ pier deploy ... --images '{\"api\":\"ghcr.io/ACME/pytoya/api:1\",\"web\":\"ghcr.io.evil.com/acme/web:1\"}'");
        int refused = Cli.run(new CliContext(ctx.out(), ctx.out(), ctx.env(), ctx.cwd(), ctx.clock(),
                        ctx.interactive()), "deploy", "--config", config.toString(), "--app", "pytoya",
                "--chart", CHART, "--chart-version", VERSION,
                "--images", "{\"api\":\"ghcr.io/ACME/pytoya/api:1\",\"web\":\"ghcr.io.evil.com/acme/web:1\"}");
        out.printf("(exit code %d)%n%nDemo config: %s%nRuns: pier runs    Store: %s%n", refused, config,
                ctx.home().resolve("pier.db"));
        return ExitCodes.SUCCEEDED;
    }

    private static String resource(String name) {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/dev/pier/demo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("demo resource missing from the build: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

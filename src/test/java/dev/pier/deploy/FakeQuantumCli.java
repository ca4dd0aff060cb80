package dev.pier.deploy;

import dev.pier.config.DeployerSpec;
import dev.pier.config.DeployerSpec.CommandStep;
import dev.pier.config.DeployerSpec.EnvValue;
import dev.pier.config.DeployerSpec.Fallback;
import dev.pier.pipeline.DeployRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake {@code quantum-cli} (seed 003) for the command deployer's tests: a bash script in a temp directory
 * that appends its argv to {@code calls}, dumps its environment to {@code env.txt}, then behaves as told.
 */
final class FakeQuantumCli {

    static final Fallback UNSUPPORTED = new Fallback(List.of(2), List.of("unknown command"));
    static final String SECRET = "s3cr3t-token-value";

    private final Path dir;

    FakeQuantumCli(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("work"));
    }

    /** {@code stacks} and {@code stack} run the bash snippets given; anything else exits 64. */
    void install(String stacks, String stack) {
        Os.script(dir, "quantum-cli", Os.recordArgv(dir.resolve("calls")) + "env > '" + dir + "/env.txt'\n"
                + "case \"$1\" in\n  stacks) " + stacks + ";;\n  stack) " + stack + ";;\n  *) exit 64;;\nesac");
    }

    static CommandStep step(String verb, Fallback when) {
        return new CommandStep(List.of("quantum-cli", verb, "update", "--stack", "{{app}}-{{env}}",
                "--image", "{{images.api}}"), when);
    }

    /** The fake is found through the PATH the spec's env sets; the run has one secret, {@code quantum_token}. */
    DeployRequest request(Duration timeout, Map<String, EnvValue> extraEnv, CommandStep... steps) {
        Map<String, EnvValue> env = new LinkedHashMap<>();
        env.put("PATH", new EnvValue.Literal(dir + ":" + System.getenv("PATH")));
        env.putAll(extraEnv);
        DeployerSpec.Command spec = new DeployerSpec.Command(dir, List.of(steps), Map.of("api", "api.image"),
                timeout, env);
        return Fixtures.request(spec, dir.resolve("work"), Fixtures.release(), Map.of("quantum_token", SECRET));
    }

    /** {@code stacks update} (falling back when {@code when} matches), then {@code stack update}. */
    DeployRequest seed003(Fallback when) {
        return request(Duration.ofSeconds(30), Map.of(), step("stacks", when), step("stack", null));
    }

    List<List<String>> calls() {
        return Os.recordedArgv(dir.resolve("calls"));
    }
}

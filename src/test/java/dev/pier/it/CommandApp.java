package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A node whose app {@code demo} ({@code artifact: none}, one component {@code app}, {@code pin: as-given},
 * sources ghcr.io/acme) deploys with a {@code command} deployer: a bash script the test writes. The config
 * is {@code ./pier.yaml} in the node's directory, the working directory of every pier process, so
 * {@code pier runs} and {@code pier run} find it too (they need it for the orphan policy).
 *
 * <p>The script runs with {@code $state} set to a directory for the files it and the test share. Every
 * invocation records its pid, which is its process group (Pier starts deployers in their own session), so
 * {@link #close()} can kill whatever a failed test left running, along with the pier processes it started.
 */
final class CommandApp implements AutoCloseable {

    static final String APP = "demo";
    static final String IMAGES = "{\"app\":\"ghcr.io/acme/demo/app:1.0.0\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    final Node node;
    final Path state;
    final Path script;
    private final List<PierProcess> started = new ArrayList<>();

    /**
     * @param orphans environment name → orphan policy ({@code wait} or {@code stop}), in order
     * @param body    the deployer script after its prelude; bash, with {@code $state} set
     */
    CommandApp(Node node, Map<String, String> orphans, String body) {
        this.node = node;
        this.state = node.dir.resolve("state");
        this.script = node.dir.resolve("deployer.sh");
        try {
            Files.createDirectories(state.resolve("groups"));
            Files.writeString(script, """
                    #!/bin/bash
                    set -u
                    state='%s'
                    echo $$ > "$state/groups/$$"
                    %s
                    """.formatted(state, body));
            script.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder yaml = new StringBuilder(ServerProcess.demoAppHead("version: 1"));
        orphans.forEach((env, orphan) -> yaml.append("""
                      %s:
                        pin: as-given
                        orphan: %s
                        deployer:
                          type: command
                          timeout: 2m
                          commands:
                            - argv: ["%s"]
                """.formatted(env, orphan, script)));
        node.file("pier.yaml", yaml.toString());
    }

    static Map<String, String> envs(String... envAndOrphan) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < envAndOrphan.length; i += 2) {
            m.put(envAndOrphan[i], envAndOrphan[i + 1]);
        }
        return m;
    }

    static String[] deployArgs(String env, String... extra) {
        List<String> args = new ArrayList<>(List.of("deploy", "--app", APP, "--env", env, "--images", IMAGES));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** {@code pier deploy} of {@code env}, started and left running. */
    PierProcess startDeploy(String env, String... extra) {
        return track(node.start(deployArgs(env, extra)));
    }

    /** The same, with SIGINT and SIGTERM at their defaults whatever the build inherited. */
    PierProcess startDeployWithDefaultSignals(String env, String... extra) {
        return track(PierProcess.startWithDefaultSignals(node.env(), node.dir, deployArgs(env, extra)));
    }

    PierProcess.Result deploy(String env, String... extra) {
        return node.pier(deployArgs(env, extra));
    }

    private PierProcess track(PierProcess p) {
        started.add(p);
        return p;
    }

    /** {@code pier runs -o json}: newest first. */
    JsonNode runs() {
        return json(node.pier("runs", "-o", "json"));
    }

    /** {@code pier run <id> -o json}: with history and log. */
    JsonNode run(String id) {
        return json(node.pier("run", id, "-o", "json"));
    }

    private static JsonNode json(PierProcess.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r, e);
        }
    }

    static List<String> statuses(JsonNode runs) {
        List<String> out = new ArrayList<>();
        runs.forEach(r -> out.add(r.get("status").asText()));
        return out;
    }

    Path file(String name) {
        return state.resolve(name);
    }

    void touch(String name) {
        try {
            Files.writeString(state.resolve(name), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pid the script published with write-then-rename, so a file that exists is complete. */
    long pid(String name) {
        return Long.parseLong(read(name).strip());
    }

    List<String> lines(String name) {
        Path p = state.resolve(name);
        if (!Files.exists(p)) {
            return List.of();
        }
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String name) {
        try {
            return Files.readString(state.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Process groups of every deployer invocation so far. */
    List<Long> groups() {
        try (Stream<Path> files = Files.list(state.resolve("groups"))) {
            return files.map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        started.forEach(PierProcess::kill);
        groups().forEach(Procs::killGroup);
    }
}

package dev.pier.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.pier.config.AppSpec.ArtifactMode;
import dev.pier.config.DeployerSpec.EnvValue;
import dev.pier.ssh.KnownHosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Binds a {@code compose-ssh} deployer (schema-valid) and checks what the schema cannot. */
final class ComposeSshBinder {

    /** Names the deployer puts into every template's model; variables may not reuse them. */
    static final Set<String> RESERVED = Set.of("app", "env", "run_id", "project", "images", "release_dir",
            "remote_dir", "bundle");

    private final Function<String, Path> path;
    private final BiConsumer<String, String> problem;
    private final BiFunction<String, JsonNode, Map<String, EnvValue>> env;

    ComposeSshBinder(Function<String, Path> path, BiConsumer<String, String> problem,
                     BiFunction<String, JsonNode, Map<String, EnvValue>> env) {
        this.path = path;
        this.problem = problem;
        this.env = env;
    }

    DeployerSpec.ComposeSsh bind(String at, JsonNode n, ArtifactMode artifact, Map<String, String> imageValues,
                                 Duration timeout) {
        SshTarget ssh = target(at, n);
        Map<String, String> variables = new LinkedHashMap<>();
        n.path("variables").properties().forEach(e -> variables.put(e.getKey(), e.getValue().asText()));
        checkNames(at, variables, imageValues);
        Map<String, EnvValue> envFile = env.apply(at + ".env_file", n.path("env_file"));
        envFile.forEach((k, v) -> {
            if (v instanceof EnvValue.Literal l && (l.template().contains("\n") || l.template().contains("\r"))) {
                problem.accept(at + ".env_file." + k, "an env file value cannot span lines");
            }
        });
        Duration wait = Durations.parse(n.path("wait_timeout").asText("5m"));
        if (wait.compareTo(timeout) >= 0) {
            problem.accept(at + ".wait_timeout", "must be shorter than timeout (" + n.path("timeout").asText("10m")
                    + "): compose has to give up before Pier does");
        }
        List<String> templates = new ArrayList<>();
        n.get("templates").forEach(t -> templates.add(t.asText()));
        Path templateDir = artifact == ArtifactMode.BUNDLE ? null : path.apply(".");
        checkTemplates(at + ".templates", templates, templateDir);
        ComposeSettings compose = new ComposeSettings(n.get("project").asText(), n.get("remote_dir").asText(),
                templates, templateDir, variables, imageValues, envFile, n.path("docker").asText("docker"), wait,
                n.path("keep_releases").asInt(5));
        return new DeployerSpec.ComposeSsh(ssh, compose, timeout);
    }

    private SshTarget target(String at, JsonNode n) {
        String host = n.get("host").asText();
        int port = n.path("port").asInt(22);
        List<String> lines = new ArrayList<>();
        n.path("known_hosts").forEach(l -> lines.add(l.asText()));
        List<KnownHosts.Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            try {
                entries.add(KnownHosts.parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                problem.accept(at + ".known_hosts[" + i + "]", e.getMessage());
            }
        }
        boolean tofu = n.path("trust_on_first_use").asBoolean(false);
        if (lines.isEmpty() && !tofu) {
            problem.accept(at + ".known_hosts", "no host key is pinned and trust_on_first_use is off, so every"
                    + " connection would be refused: add the server's line (ssh-keyscan -p " + port + " " + host
                    + ", checked against ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server)");
        } else if (entries.size() == lines.size() && !lines.isEmpty() && !KnownHosts.namesHost(entries, host, port)) {
            problem.accept(at + ".known_hosts", "no entry names " + KnownHosts.hostPattern(host, port)
                    + " (a port other than 22 is written [host]:port)");
        }
        return new SshTarget(host, port, n.get("user").asText(), n.get("key").asText(), lines, tofu,
                Durations.parse(n.path("connect_timeout").asText("30s")));
    }

    private void checkNames(String at, Map<String, String> variables, Map<String, String> imageValues) {
        variables.keySet().stream().filter(RESERVED::contains).forEach(v -> problem.accept(at + ".variables." + v,
                "'" + v + "' is set by Pier in every template (reserved: " + String.join(", ", new java.util.TreeSet<>(RESERVED))
                + ")"));
        Map<String, String> seen = new HashMap<>();
        imageValues.forEach((component, variable) -> {
            String where = at + ".image_values." + component;
            if (RESERVED.contains(variable)) {
                problem.accept(where, "'" + variable + "' is set by Pier in every template");
            } else if (variables.containsKey(variable)) {
                problem.accept(where, "'" + variable + "' is also under variables:");
            } else if (seen.containsKey(variable)) {
                problem.accept(where, "'" + variable + "' also receives the image of " + seen.get(variable));
            } else {
                seen.put(variable, component);
            }
        });
    }

    private void checkTemplates(String at, List<String> templates, Path dir) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < templates.size(); i++) {
            String t = templates.get(i);
            if (!names.add(ComposeSettings.renderedName(t))) {
                problem.accept(at + "[" + i + "]", "renders to " + ComposeSettings.renderedName(t)
                        + ", as another template does");
            }
            if (dir == null) {
                continue; // in the release's bundle: checked when a deploy pulls it
            }
            Path file = dir.resolve(t).normalize();
            try {
                Mustache.compiler().compile(Files.readString(file));
            } catch (IOException e) {
                problem.accept(at + "[" + i + "]", "template " + file + " cannot be read: " + e.getMessage());
            } catch (MustacheException e) {
                problem.accept(at + "[" + i + "]", "template " + file + " is not valid Mustache: " + e.getMessage());
            }
        }
    }

    /** Two environments deploying into one remote directory, or one Compose project on one host, would collide. */
    static void checkTargets(Map<String, AppSpec> apps, BiConsumer<String, String> problem) {
        Map<String, String> dirs = new HashMap<>();
        Map<String, String> projects = new HashMap<>();
        apps.forEach((app, a) -> a.environments().forEach((envName, e) -> {
            if (!(e.deployer() instanceof DeployerSpec.ComposeSsh c)) {
                return;
            }
            String where = "$.apps." + app + ".environments." + envName + ".deployer";
            String server = c.ssh().host() + ":" + c.ssh().port();
            String other = dirs.putIfAbsent(server + c.compose().remoteDir(), app + "/" + envName);
            if (other != null) {
                problem.accept(where + ".remote_dir", "also the remote_dir of " + other + " on " + server);
            }
            other = projects.putIfAbsent(server + "#" + c.compose().project(), app + "/" + envName);
            if (other != null) {
                problem.accept(where + ".project", "also the Compose project of " + other + " on " + server
                        + " (--remove-orphans would remove its containers)");
            }
        }));
    }
}

package dev.pier.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.pier.config.AppSpec.ArtifactMode;
import dev.pier.config.AppSpec.ComponentSpec;
import dev.pier.config.AppSpec.SourceRule;
import dev.pier.config.DeployerSpec.EnvValue;
import dev.pier.config.EnvironmentSpec.OrphanPolicy;
import dev.pier.config.EnvironmentSpec.PinMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Binds a schema-valid config tree to records, collecting every cross-reference problem with its path. */
final class ConfigBinder {

    private final Path file;
    private final Path baseDir;
    private final JsonNode root;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, SecretSource> secrets = new LinkedHashMap<>();

    ConfigBinder(Path file, JsonNode root) {
        this.file = file;
        this.baseDir = file.toAbsolutePath().getParent();
        this.root = root;
    }

    NodeConfig bind() throws ConfigException {
        root.path("secrets").properties().forEach(e -> secrets.put(e.getKey(), secret(e.getKey(), e.getValue())));
        Map<String, AppSpec> apps = new LinkedHashMap<>();
        root.path("apps").properties().forEach(e -> apps.put(e.getKey(), app("$.apps." + e.getKey(), e.getKey(),
                e.getValue())));
        Map<String, RegistrySpec> registries = new LinkedHashMap<>();
        root.path("registries").properties().forEach(e -> registries.put(e.getKey(),
                registry("$.registries." + e.getKey(), e.getKey(), e.getValue())));
        ComposeSshBinder.checkTargets(apps, this::problem);
        ServerSpec server = ServerBinder.bind(root.path("server"), this::path, this::problem, secrets.keySet());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new NodeConfig(file, secrets, apps, registries, server);
    }

    private RegistrySpec registry(String at, String host, JsonNode n) {
        java.net.URI mirror = n.has("mirror") ? java.net.URI.create(n.get("mirror").asText()) : null;
        String secret = n.has("password") ? n.get("password").get("secret").asText() : null;
        if (secret != null && !secrets.containsKey(secret)) {
            problem(at + ".password.secret", "secret '" + secret + "' is not defined under secrets:");
        }
        List<String> tokenHosts = strings(n.path("token_hosts"));
        JsonNode rate = n.path("rate_limit");
        return new RegistrySpec(host, mirror, n.path("plain_http").asBoolean(false), text(n, "username"), secret,
                tokenHosts, rate.path("per_second").asDouble(0), rate.path("burst").asInt(10));
    }

    private SecretSource secret(String name, JsonNode n) {
        if (n.has("env")) {
            return new SecretSource.FromEnv(n.get("env").asText());
        }
        return new SecretSource.FromFile(path(n.get("file").asText()));
    }

    private AppSpec app(String at, String name, JsonNode n) {
        ArtifactMode artifact = ArtifactMode.valueOf(n.path("artifact").asText("chart").toUpperCase(Locale.ROOT));
        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        n.get("components").properties().forEach(e -> components.put(e.getKey(), new ComponentSpec(
                e.getValue().path("required").asBoolean(false),
                text(e.getValue(), "defaults_to"),
                text(e.getValue(), "repository"))));
        components.forEach((c, spec) -> checkComponent(at + ".components." + c, c, spec, components));
        List<SourceRule> sources = new ArrayList<>();
        n.get("sources").forEach(s -> sources.add(new SourceRule(s.get("registry").asText(),
                strings(s.get("orgs")))));
        Map<String, EnvironmentSpec> envs = new LinkedHashMap<>();
        n.get("environments").properties().forEach(e -> envs.put(e.getKey(),
                environment(at + ".environments." + e.getKey(), e.getKey(), e.getValue(), artifact, components)));
        return new AppSpec(name, artifact, n.path("chart_path").asText("charts/*"), components, sources, envs);
    }

    private void checkComponent(String at, String name, ComponentSpec spec, Map<String, ComponentSpec> all) {
        if (spec.defaultsTo() == null) {
            return;
        }
        if (spec.required()) {
            problem(at + ".defaults_to", "a required component never needs a default");
        } else if (spec.defaultsTo().equals(name)) {
            problem(at + ".defaults_to", "a component cannot default to itself");
        } else if (!all.containsKey(spec.defaultsTo())) {
            problem(at + ".defaults_to", "'" + spec.defaultsTo() + "' is not a component (components: "
                    + String.join(", ", all.keySet()) + ")");
        } else {
            java.util.Set<String> seen = new java.util.LinkedHashSet<>(List.of(name));
            for (String next = spec.defaultsTo(); next != null && all.containsKey(next);
                 next = all.get(next).defaultsTo()) {
                if (!seen.add(next)) {
                    problem(at + ".defaults_to", "defaults form a loop: " + String.join(" -> ", seen) + " -> " + next);
                    break;
                }
            }
        }
    }

    private EnvironmentSpec environment(String at, String name, JsonNode n, ArtifactMode artifact,
                                        Map<String, ComponentSpec> components) {
        String url = text(n, "deployed_url");
        if (url != null) {
            template(at + ".deployed_url", url);
        }
        PinMode pin = "as-given".equals(n.path("pin").asText("digest")) ? PinMode.AS_GIVEN : PinMode.DIGEST;
        OrphanPolicy orphan = OrphanPolicy.valueOf(n.path("orphan").asText("wait").toUpperCase(Locale.ROOT));
        DeployerSpec deployer = deployer(at + ".deployer", n.get("deployer"), artifact, components);
        EnvironmentControls controls = ServerBinder.controls(at, n, this::problem);
        if (controls.check() != null) {
            template(at + ".check.url", controls.check().url());
        }
        return new EnvironmentSpec(name, deployer, url, pin, orphan, controls);
    }

    private DeployerSpec deployer(String at, JsonNode n, ArtifactMode artifact, Map<String, ComponentSpec> comps) {
        Map<String, String> imageValues = new LinkedHashMap<>();
        n.path("image_values").properties().forEach(e -> {
            if (!comps.containsKey(e.getKey())) {
                problem(at + ".image_values." + e.getKey(), "not a component (components: "
                        + String.join(", ", comps.keySet()) + ")");
            }
            imageValues.put(e.getKey(), e.getValue().asText());
        });
        Map<String, EnvValue> env = env(at + ".env", n.path("env"));
        var timeout = Durations.parse(n.path("timeout").asText("10m"));
        if (timeout.isZero()) {
            problem(at + ".timeout", "must be longer than zero");
        }
        if ("compose-ssh".equals(n.get("type").asText())) {
            return new ComposeSshBinder(this::path, this::problem, this::env).bind(at, n, artifact, imageValues, timeout);
        }
        if (ControllerDeployerBinder.TYPES.contains(n.get("type").asText())) {
            return new ControllerDeployerBinder(this::problem, secrets.keySet()).bind(at, n, artifact, imageValues, timeout);
        }
        if ("helm".equals(n.get("type").asText())) {
            if (artifact != ArtifactMode.CHART) {
                problem(at + ".type", "the helm deployer needs an app with artifact: chart");
            }
            List<Path> values = new ArrayList<>();
            int i = 0;
            for (JsonNode v : n.path("values")) {
                Path p = path(v.asText());
                if (!Files.isRegularFile(p)) {
                    problem(at + ".values[" + i + "]", "values file " + p + " does not exist");
                }
                values.add(p);
                i++;
            }
            String kubeconfig = text(n, "kubeconfig");
            return new DeployerSpec.Helm(n.path("binary").asText("helm"), n.get("release").asText(),
                    n.get("namespace").asText(), values, imageValues, kubeconfig == null ? null : path(kubeconfig),
                    text(n, "kube_context"), timeout, env);
        }
        return command(at, n, imageValues, timeout, env);
    }

    private DeployerSpec.Command command(String at, JsonNode n, Map<String, String> imageValues,
                                         java.time.Duration timeout, Map<String, EnvValue> env) {
        Path workdir = n.has("workdir") ? path(n.get("workdir").asText()) : baseDir;
        if (!Files.isDirectory(workdir)) {
            problem(at + ".workdir", "directory " + workdir + " does not exist");
        }
        List<DeployerSpec.CommandStep> steps = new ArrayList<>();
        JsonNode commands = n.get("commands");
        for (int i = 0; i < commands.size(); i++) {
            JsonNode c = commands.get(i);
            String cat = at + ".commands[" + i + "]";
            List<String> argv = strings(c.get("argv"));
            for (int a = 0; a < argv.size(); a++) {
                template(cat + ".argv[" + a + "]", argv.get(a));
            }
            DeployerSpec.Fallback fallback = null;
            if (c.has("fallback_when")) {
                List<Integer> codes = new ArrayList<>();
                c.get("fallback_when").path("exit_codes").forEach(x -> codes.add(x.asInt()));
                List<String> patterns = strings(c.get("fallback_when").path("output_matches"));
                patterns.forEach(p -> regex(cat + ".fallback_when.output_matches", p));
                if (i == commands.size() - 1) {
                    problem(cat + ".fallback_when", "the last command has nothing to fall back to");
                }
                fallback = new DeployerSpec.Fallback(codes, patterns);
            }
            steps.add(new DeployerSpec.CommandStep(argv, fallback));
        }
        return new DeployerSpec.Command(workdir, steps, imageValues, timeout, env);
    }

    private Map<String, EnvValue> env(String at, JsonNode n) {
        Map<String, EnvValue> env = new LinkedHashMap<>();
        n.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isObject()) {
                String secret = v.get("secret").asText();
                if (!secrets.containsKey(secret)) {
                    problem(at + "." + e.getKey() + ".secret", "secret '" + secret + "' is not defined under secrets:"
                            + (secrets.isEmpty() ? " (none are)" : " (defined: " + String.join(", ", secrets.keySet()) + ")"));
                }
                env.put(e.getKey(), new EnvValue.Secret(secret));
            } else {
                template(at + "." + e.getKey(), v.asText());
                env.put(e.getKey(), new EnvValue.Literal(v.asText()));
            }
        });
        return env;
    }

    private void template(String at, String text) {
        try {
            Mustache.compiler().compile(text);
        } catch (MustacheException e) {
            problem(at, "not a valid template: " + e.getMessage());
        }
    }

    private void regex(String at, String pattern) {
        try {
            java.util.regex.Pattern.compile(pattern);
        } catch (java.util.regex.PatternSyntaxException e) {
            problem(at, "not a valid regular expression: " + e.getDescription());
        }
    }

    Path path(String p) {
        Path path = Path.of(p);
        return (path.isAbsolute() ? path : baseDir.resolve(path)).normalize();
    }

    void problem(String at, String what) {
        problems.add(file + ": " + at + ": " + what);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}

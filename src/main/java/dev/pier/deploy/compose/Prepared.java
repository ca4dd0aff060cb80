package dev.pier.deploy.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.config.ComposeSettings;
import dev.pier.config.DeployerSpec.EnvValue;
import dev.pier.deploy.ReleaseFiles;
import dev.pier.deploy.compose.ComposeTemplates.RenderException;
import dev.pier.pipeline.DeployRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a deploy computes on the node before it connects: the rendered compose files (no secrets), the
 * kept {@code release.json}, the env file's text (the only thing holding secrets, never logged) and the services
 * the compose files define.
 *
 * @param files    rendered file name → content, in {@code -f} order
 * @param envText  the env file; holds secrets
 * @param envNames the env file's variable names, for the log
 * @param services services that must have a healthy container (those without {@code profiles})
 */
record Prepared(Map<String, byte[]> files, byte[] releaseJson, byte[] envText, List<String> envNames,
                Set<String> services) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper().enable(
            com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    @Override
    public String toString() {
        return "Prepared" + files.keySet() + " env " + envNames; // never the env file's text
    }

    List<String> fileNames() {
        return List.copyOf(files.keySet());
    }

    /** For a new release: renders the templates from {@code templateDir}. */
    static Prepared forRelease(DeployRequest request, ComposeSettings spec, Path templateDir, RemoteLayout layout)
            throws RenderException {
        Map<String, Object> model = ComposeTemplates.model(request, spec, layout.release(request.runId()));
        Map<String, byte[]> files = new LinkedHashMap<>();
        ComposeTemplates.renderAll(spec, templateDir, model)
                .forEach((name, text) -> files.put(name, text.getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> kept = new LinkedHashMap<>(ReleaseFiles.releaseJson(request));
        kept.put("compose_files", List.copyOf(files.keySet()));
        try {
            return new Prepared(files, JSON.writeValueAsBytes(kept), envText(request, spec, model),
                    List.copyOf(spec.envFile().keySet()), services(files));
        } catch (IOException e) {
            throw new RenderException("cannot encode release.json: " + e.getMessage());
        }
    }

    /** For a rollback: the kept compose files are already on the server; only the env file is new. */
    static Prepared forKept(DeployRequest request, ComposeSettings spec, List<String> keptFiles,
                            Map<String, byte[]> keptContent, String releaseDir) throws RenderException {
        Map<String, Object> model = ComposeTemplates.model(request, spec, releaseDir);
        Map<String, byte[]> files = new LinkedHashMap<>();
        keptFiles.forEach(f -> files.put(f, keptContent.get(f)));
        return new Prepared(files, null, envText(request, spec, model), List.copyOf(spec.envFile().keySet()),
                services(files));
    }

    private static byte[] envText(DeployRequest request, ComposeSettings spec, Map<String, Object> model)
            throws RenderException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (var e : spec.envFile().entrySet()) {
            switch (e.getValue()) {
                case EnvValue.Literal l -> values.put(e.getKey(), ComposeTemplates.render("env_file." + e.getKey(),
                        l.template(), model));
                case EnvValue.Secret s -> {
                    String v = request.secrets().get(s.name());
                    if (v == null) {
                        throw new RenderException("secret '" + s.name() + "' for env_file." + e.getKey()
                                + " was not provided to this run");
                    }
                    values.put(e.getKey(), v);
                    sources.put(e.getKey(), "secret " + s.name());
                }
            }
        }
        try {
            return EnvFileText.of(values, sources).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RenderException(e.getMessage());
        }
    }

    /** Services defined by the compose files, except those behind {@code profiles} (not started by default). */
    static Set<String> services(Map<String, byte[]> files) throws RenderException {
        Set<String> out = new LinkedHashSet<>();
        List<String> profiled = new ArrayList<>();
        for (var f : files.entrySet()) {
            JsonNode root;
            try {
                root = YAML.readTree(f.getValue());
            } catch (IOException e) {
                throw new RenderException("rendered " + f.getKey() + " is not valid YAML: " + e.getMessage()
                        .lines().findFirst().orElse(""));
            }
            if (root == null) {
                continue;
            }
            root.path("services").properties().forEach(s -> {
                if (s.getValue().has("profiles")) {
                    profiled.add(s.getKey());
                } else {
                    out.add(s.getKey());
                }
            });
        }
        out.removeAll(profiled);
        return out;
    }
}

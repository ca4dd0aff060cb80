package dev.pier.config;

import dev.pier.config.DeployerSpec.EnvValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code compose-ssh} deployer renders and runs on the server.
 *
 * @param project      the Compose project name ({@code docker compose -p})
 * @param remoteDir    absolute directory on the server: the project directory, {@code releases/}, {@code current}
 * @param templates    Mustache compose templates, in {@code -f} order; relative to {@code templateDir}, or to the
 *                     release's config bundle when {@code templateDir} is null
 * @param templateDir  the node directory the templates are in; null when they come from the bundle
 * @param variables    non-secret template variables
 * @param imageValues  component → template variable that receives its image reference, pinned by digest
 * @param envFile      the env file's variables: literals (templates) or node secrets; only this file holds secrets
 * @param docker       the docker executable on the server
 * @param waitTimeout  {@code docker compose up --wait-timeout}
 * @param keepReleases how many releases (rendered compose, no secrets) stay on the server for rollback
 */
public record ComposeSettings(String project, String remoteDir, List<String> templates, Path templateDir,
                              Map<String, String> variables, Map<String, String> imageValues,
                              Map<String, EnvValue> envFile, String docker, Duration waitTimeout, int keepReleases) {
    public ComposeSettings {
        templates = List.copyOf(templates);
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        imageValues = Collections.unmodifiableMap(new LinkedHashMap<>(imageValues));
        envFile = Collections.unmodifiableMap(new LinkedHashMap<>(envFile));
    }

    /** The file a template renders to on the server: its name without a {@code .mustache} suffix. */
    public static String renderedName(String template) {
        String name = Path.of(template).getFileName().toString();
        return name.endsWith(".mustache") ? name.substring(0, name.length() - ".mustache".length()) : name;
    }
}

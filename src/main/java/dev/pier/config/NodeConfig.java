package dev.pier.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The node-owned configuration: which apps exist, what a signal for each may name,
 * and how each environment deploys. Loaded by {@link ConfigLoader}; never comes from a signal.
 *
 * @param source     the file it was read from (relative paths in it resolve against its directory)
 * @param secrets    secret name → where its value lives on the node
 * @param apps       app name → app
 * @param registries registry host → how to reach it; a host not listed is reached over HTTPS with
 *                   {@code ~/.docker/config.json} credentials
 * @param server     how {@code pier server} listens and authenticates
 */
public record NodeConfig(Path source, Map<String, SecretSource> secrets, Map<String, AppSpec> apps,
                         Map<String, RegistrySpec> registries, ServerSpec server) {

    public NodeConfig(Path source, Map<String, SecretSource> secrets, Map<String, AppSpec> apps) {
        this(source, secrets, apps, Map.of(), ServerSpec.defaults());
    }

    public NodeConfig(Path source, Map<String, SecretSource> secrets, Map<String, AppSpec> apps,
                      Map<String, RegistrySpec> registries) {
        this(source, secrets, apps, registries, ServerSpec.defaults());
    }

    public NodeConfig {
        server = server == null ? ServerSpec.defaults() : server;
        registries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(registries));
        // Keep the config's order: messages list apps as the operator wrote them.
        secrets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(secrets));
        apps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(apps));
    }

    public Optional<AppSpec> app(String name) {
        return Optional.ofNullable(apps.get(name));
    }

    public RegistrySpec registry(String host) {
        return registries.getOrDefault(host, RegistrySpec.defaults(host));
    }

    public Path baseDir() {
        Path parent = source.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }
}

package dev.pier.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One deployable app and the rules a signal for it must follow.
 *
 * @param name         the app name a signal uses ({@code --app})
 * @param artifact     whether a signal must name a Helm chart, a config bundle, or neither
 * @param chartPath    repository path below the organisation that a chart or bundle must have;
 *                     {@code *} stands for exactly one path component (seed 001: {@code charts/*})
 * @param components   component name → rule, in declaration order
 * @param sources      registries and organisations a signal may reference
 * @param environments environment name → how it deploys
 */
public record AppSpec(
        String name,
        ArtifactMode artifact,
        String chartPath,
        Map<String, ComponentSpec> components,
        List<SourceRule> sources,
        Map<String, EnvironmentSpec> environments) {

    public AppSpec {
        components = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(components));
        sources = List.copyOf(sources);
        environments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environments));
    }

    public Optional<EnvironmentSpec> environment(String env) {
        return Optional.ofNullable(environments.get(env));
    }

    /** What a signal for this app must carry besides images. */
    public enum ArtifactMode {
        /** {@code --chart} and {@code --chart-version} are required (seed 001). */
        CHART,
        /** {@code --bundle} names a config bundle artifact (seed 003's compose templates). */
        BUNDLE,
        /** Images only. */
        NONE
    }

    /**
     * @param required   a signal must name this component
     * @param defaultsTo when omitted, the component takes this other component's image (seed 001: worker → api)
     * @param repository optional repository path below the organisation the image must have, {@code *} per component
     */
    public record ComponentSpec(boolean required, String defaultsTo, String repository) {}

    /**
     * @param registry the registry host, lower case, with {@code :port} only when a port is allowed
     * @param orgs     organisations (first path component) allowed on that registry
     */
    public record SourceRule(String registry, List<String> orgs) {
        public SourceRule {
            orgs = List.copyOf(orgs);
        }
    }
}

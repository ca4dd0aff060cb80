package dev.pier.signal;

import static dev.pier.oci.Quote.quote;

import dev.pier.config.AppSpec.SourceRule;
import dev.pier.oci.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where an app's artifacts may come from. Registries are compared as exact strings, host and
 * port together, so {@code ghcr.io:443} is not {@code ghcr.io} and {@code ghcr.io.evil.com} is not
 * either. Organisations are the first path component; {@code *} allows any.
 */
public final class ReferencePolicy {
    public static final int MAX_PATH_COMPONENT = 128;
    static final String ANY = "*";

    private final Map<String, Set<String>> orgsByRegistry = new LinkedHashMap<>();

    public ReferencePolicy(List<SourceRule> sources) {
        for (SourceRule rule : sources) {
            orgsByRegistry.computeIfAbsent(rule.registry(), r -> new LinkedHashSet<>()).addAll(rule.orgs());
        }
    }

    /**
     * Checks a parsed reference; returns every violation found (empty when allowed).
     *
     * @param argument    the argument the reference came from, for the violations
     * @param pathPattern the path below the organisation, {@code *} = one component; null = any path
     */
    public List<Violation> check(String argument, Reference reference, String pathPattern) {
        List<Violation> violations = new ArrayList<>();
        Set<String> orgs = orgsByRegistry.get(reference.registry());
        if (orgs == null) {
            // Org and path mean nothing on a registry we do not trust: one violation says it all.
            violations.add(new Violation(argument, "registry-not-allowed", "registry " + quote(reference.registry())
                    + " is not allowed (allowed: " + Names.list(orgsByRegistry.keySet()) + ")"));
            return violations;
        }
        if (!orgs.contains(ANY) && !orgs.contains(reference.org())) {
            violations.add(new Violation(argument, "org-not-allowed", "organisation " + quote(reference.org())
                    + " is not allowed on " + reference.registry() + " (allowed: " + Names.list(orgs) + ")"));
        }
        List<String> path = Arrays.asList(reference.repository().split("/"));
        for (String component : path) {
            if (component.length() > MAX_PATH_COMPONENT) {
                violations.add(new Violation(argument, "path-component-too-long", "path component " + quote(component)
                        + " is longer than " + MAX_PATH_COMPONENT + " characters"));
            }
        }
        if (pathPattern != null && !matches(path.subList(1, path.size()), pathPattern)) {
            String below = String.join("/", path.subList(1, path.size()));
            violations.add(new Violation(argument, "path-not-allowed", "repository path " + quote(below)
                    + " below organisation " + quote(reference.org()) + " does not match " + quote(pathPattern)));
        }
        return violations;
    }

    /** Component by component; {@code *} matches exactly one component, never zero or several. */
    static boolean matches(List<String> path, String pattern) {
        String[] wanted = pattern.split("/", -1);
        if (wanted.length != path.size()) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (!wanted[i].equals(ANY) && !wanted[i].equals(path.get(i))) {
                return false;
            }
        }
        return true;
    }
}

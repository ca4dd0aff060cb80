package dev.pier.secret;

import dev.pier.config.SecretSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads secret values from where the node keeps them: environment variables or files.
 * Errors name the secret and its source, never a value.
 */
public final class SecretResolver {

    private final Map<String, SecretSource> sources;
    private final Map<String, String> environment;

    public SecretResolver(Map<String, SecretSource> sources, Map<String, String> environment) {
        this.sources = Map.copyOf(sources);
        this.environment = Map.copyOf(environment);
    }

    /** Resolves the named secrets, in the given order; reports every one that is missing, not just the first. */
    public Map<String, String> resolve(Set<String> names) throws SecretException {
        Map<String, String> out = new LinkedHashMap<>();
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (String name : names) {
            try {
                out.put(name, resolve(name));
            } catch (SecretException e) {
                missing.add(e.getMessage());
            }
        }
        if (!missing.isEmpty()) {
            throw new SecretException(String.join("; ", missing));
        }
        return out;
    }

    public String resolve(String name) throws SecretException {
        SecretSource source = sources.get(name);
        if (source == null) {
            throw new SecretException("secret '" + name + "' is not defined under secrets:");
        }
        return switch (source) {
            case SecretSource.FromEnv env -> {
                String v = environment.get(env.variable());
                if (v == null || v.isEmpty()) {
                    throw new SecretException("secret '" + name + "': environment variable " + env.variable()
                            + " is not set on this node");
                }
                yield v;
            }
            case SecretSource.FromFile file -> readFile(name, file.file());
        };
    }

    private static String readFile(String name, Path file) throws SecretException {
        try {
            String v = Files.readString(file);
            // Files written by editors and `echo` end in a newline that is not part of the secret.
            v = v.endsWith("\r\n") ? v.substring(0, v.length() - 2) : v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
            if (v.isEmpty()) {
                throw new SecretException("secret '" + name + "': file " + file + " is empty");
            }
            return v;
        } catch (IOException e) {
            throw new SecretException("secret '" + name + "': cannot read file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    public static final class SecretException extends Exception {
        public SecretException(String message) {
            super(message);
        }
    }
}

package dev.pier.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Finds the config file: {@code --config}, then {@code $PIER_CONFIG}, then {@code ./pier.yaml}. */
public final class ConfigLocator {

    private ConfigLocator() {}

    public static Path locate(Path explicit, Map<String, String> env, Path cwd) throws ConfigException {
        if (explicit != null) {
            return mustExist(explicit, "--config");
        }
        String fromEnv = env.get("PIER_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return mustExist(Path.of(fromEnv), "$PIER_CONFIG");
        }
        Path local = cwd.resolve("pier.yaml");
        if (Files.isRegularFile(local)) {
            return local;
        }
        throw new ConfigException("no node config: pass --config FILE, set PIER_CONFIG, or create ./pier.yaml"
                + " (see `pier config schema` and examples/)");
    }

    private static Path mustExist(Path p, String from) throws ConfigException {
        if (!Files.isRegularFile(p)) {
            throw new ConfigException(p + ": config file named by " + from + " does not exist");
        }
        return p;
    }
}

package dev.pier.pipeline;

import dev.pier.config.AppSpec;
import dev.pier.config.EnvironmentSpec;
import java.util.Map;

/**
 * A signal that passed validation and pinning: ready to become a run.
 *
 * @param secrets the values of the secrets the environment's deployer references; never stored
 */
public record Accepted(DeploySignal signal, AppSpec app, EnvironmentSpec environment, Release release,
                       Map<String, String> secrets) {

    public Accepted {
        secrets = Map.copyOf(secrets);
    }

    @Override
    public String toString() {
        return "Accepted[" + app.name() + "/" + environment.name() + ", secrets=" + secrets.keySet() + "]";
    }
}

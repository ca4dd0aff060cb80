package dev.pier.pipeline;

import dev.pier.config.EnvironmentSpec;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a deployer needs for one run.
 *
 * @param runId       the run (for templates and the per-run work directory)
 * @param app         the app name
 * @param environment the environment's node-owned spec
 * @param release     the release, pinned as the environment requires
 * @param workDir     a private directory for this run's files (values, release manifest); removed after
 * @param secrets     secret name → value, only those the deployer's config references
 */
public record DeployRequest(
        String runId,
        String app,
        EnvironmentSpec environment,
        Release release,
        Path workDir,
        Map<String, String> secrets) {

    public DeployRequest {
        secrets = Map.copyOf(secrets);
    }

    @Override
    public String toString() {
        // Never print secret values.
        return "DeployRequest[runId=" + runId + ", app=" + app + ", environment=" + environment.name()
                + ", secrets=" + secrets.keySet() + "]";
    }
}

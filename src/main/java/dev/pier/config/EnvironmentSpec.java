package dev.pier.config;

import java.time.Duration;

/**
 * How one environment of an app deploys. Node-owned.
 *
 * @param name            environment name ({@code --env})
 * @param deployer        the mechanism and its parameters
 * @param deployedUrl     Mustache template for the run's {@code deployed_url}; may be null
 * @param pin             whether references are resolved to digests before deploying
 * @param orphan          what to do with a deployer left running by a Pier process that died
 * @param controls        approvals, OIDC policy, post-deploy check, idempotence
 */
public record EnvironmentSpec(
        String name,
        DeployerSpec deployer,
        String deployedUrl,
        PinMode pin,
        OrphanPolicy orphan,
        EnvironmentControls controls) {

    public EnvironmentSpec {
        controls = controls == null ? EnvironmentControls.NONE : controls;
    }

    public EnvironmentSpec(String name, DeployerSpec deployer, String deployedUrl, PinMode pin, OrphanPolicy orphan) {
        this(name, deployer, deployedUrl, pin, orphan, EnvironmentControls.NONE);
    }

    public enum PinMode {
        /** Resolve every tag to a digest; refuse to deploy what cannot be resolved. */
        DIGEST,
        /** Deploy references exactly as the signal gave them (offline examples only). */
        AS_GIVEN
    }

    public enum OrphanPolicy {
        /** Wait for the orphaned deployer to end (up to its timeout), then stop it. Safe for helm. */
        WAIT,
        /** Stop the orphaned deployer's process group at once. */
        STOP
    }

    public Duration timeout() {
        return deployer.timeout();
    }
}

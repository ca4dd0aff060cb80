package dev.pier.intake;

import dev.pier.config.AppSpec;
import dev.pier.config.ConfigException;
import dev.pier.config.EnvironmentSpec;
import dev.pier.config.NodeConfig;
import dev.pier.pipeline.Accepted;
import dev.pier.pipeline.Release;
import dev.pier.pipeline.Run;
import dev.pier.secret.SecretResolver;

/**
 * Turns a run the server queued back into an {@link Accepted} deploy: the node's current config for its
 * environment, the release pinned to digests (once; a pinned release is kept as approved), and the secrets
 * its deployer needs, fetched just before it runs and never stored.
 */
public final class RunPreparation {

    private final NodeConfig config;
    private final ReleasePinner pinner;
    private final SecretResolver secrets;

    public RunPreparation(NodeConfig config, ReleasePinner pinner, SecretResolver secrets) {
        this.config = config;
        this.pinner = pinner;
        this.secrets = secrets;
    }

    /** Why a run cannot be prepared; the run fails with this as its error report. */
    public static final class PreparationException extends Exception {
        private final String kind;
        private final String step;

        PreparationException(String kind, String step, String message) {
            super(message);
            this.kind = kind;
            this.step = step;
        }

        public String kind() {
            return kind;
        }

        public String step() {
            return step;
        }
    }

    public EnvironmentSpec environment(Run run) throws PreparationException {
        return environment(run.app(), run.environment());
    }

    public EnvironmentSpec environment(String app, String env) throws PreparationException {
        return app(app).environment(env).orElseThrow(() -> new PreparationException("config", "prepare",
                "environment '" + env + "' of app '" + app + "' is no longer in the node config " + config.source()));
    }

    /** Pins the run's release to digests as its environment requires. */
    public Release pin(Run run) throws PreparationException {
        try {
            return pinner.pin(run.release(), environment(run));
        } catch (ReleasePinner.PinningException e) {
            throw new PreparationException("unresolved", "resolve", e.getMessage());
        } catch (ConfigException e) {
            throw new PreparationException("config", "resolve", String.join("; ", e.problems()));
        }
    }

    /** Everything the deployer needs; {@code release} is the run's pinned release. */
    public Accepted accept(Run run, Release release) throws PreparationException {
        EnvironmentSpec env = environment(run);
        try {
            return new Accepted(run.signal(), app(run), env, release,
                    secrets.resolve(SignalIntake.referencedSecrets(env)));
        } catch (SecretResolver.SecretException e) {
            throw new PreparationException("config", "secrets", config.source() + ": " + e.getMessage());
        }
    }

    private AppSpec app(Run run) throws PreparationException {
        return app(run.app());
    }

    private AppSpec app(String name) throws PreparationException {
        return config.app(name).orElseThrow(() -> new PreparationException("config", "prepare",
                "app '" + name + "' is no longer in the node config " + config.source()));
    }
}

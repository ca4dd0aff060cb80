package dev.pier.intake;

import dev.pier.config.ConfigException;
import dev.pier.config.EnvironmentSpec;
import dev.pier.config.NodeConfig;
import dev.pier.pipeline.Accepted;
import dev.pier.pipeline.AuditLog;
import dev.pier.pipeline.DeploySignal;
import dev.pier.secret.SecretResolver;
import dev.pier.secret.SecretResolver.SecretException;
import dev.pier.signal.InvalidSignalException;
import dev.pier.signal.SignalValidator;
import dev.pier.signal.ValidatedSignal;
import java.time.Clock;
import java.util.Set;

/**
 * The one door every signal comes through, from the CLI or (later) the API: validate against the node's
 * config, audit refusals, pin the release, and fetch the secrets its deployer needs.
 */
public final class SignalIntake {

    private final NodeConfig config;
    private final AuditLog audit;
    private final ReleasePinner pinner;
    private final SecretResolver secrets;
    private final Clock clock;

    public SignalIntake(NodeConfig config, AuditLog audit, ReleasePinner pinner, SecretResolver secrets, Clock clock) {
        this.config = config;
        this.audit = audit;
        this.pinner = pinner;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Validates without touching secrets or registries: for {@code --dry-run} and {@code accept}. */
    public ValidatedSignal validate(DeploySignal signal) throws InvalidSignalException {
        try {
            return SignalValidator.validate(signal, config);
        } catch (InvalidSignalException e) {
            audit.record(new AuditLog.Entry(clock.instant(), signal.actor(), "signal", safe(signal.app()),
                    safe(signal.environment()), "refused", e.getMessage()));
            throw e;
        }
    }

    public Accepted accept(DeploySignal signal)
            throws InvalidSignalException, ConfigException, ReleasePinner.PinningException {
        ValidatedSignal v = validate(signal);
        var release = pinner.pin(v.release(), v.environment());
        try {
            return new Accepted(signal, v.app(), v.environment(), release,
                    secrets.resolve(referencedSecrets(v.environment())));
        } catch (SecretException e) {
            throw new ConfigException(config.source() + ": " + e.getMessage());
        }
    }

    static Set<String> referencedSecrets(EnvironmentSpec env) {
        return env.deployer().secretNames();
    }

    // Audit rows keep what was refused, bounded, without control characters that would forge log lines.
    private static String safe(String s) {
        if (s == null) {
            return null;
        }
        String flat = s.replaceAll("\\p{Cntrl}", "?");
        return flat.length() > 128 ? flat.substring(0, 128) + "…" : flat;
    }
}

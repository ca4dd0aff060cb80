package dev.pier.deploy;

import dev.pier.config.DeployerSpec;
import dev.pier.config.DeployerSpec.EnvValue;
import dev.pier.pipeline.DeployRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment a deployer adds to the node's: the spec's {@code env} (literals rendered as templates,
 * secrets looked up by name) and then {@code PIER_*}, which the spec cannot override.
 * Secrets travel only here, never in argv, so {@code ps} and the run log do not show them.
 */
final class DeployEnvironment {

    static final String MASK = "***";

    private DeployEnvironment() {}

    enum Secrets { REAL, MASKED, OMITTED }

    /** The values the child process receives. */
    static Map<String, String> real(DeployRequest request, DeployerSpec spec, Map<String, Object> model) {
        return build(request, spec, model, Secrets.REAL);
    }

    /** The same keys with every secret value replaced by {@value #MASK}, for plans and logs. */
    static Map<String, String> masked(DeployRequest request, DeployerSpec spec, Map<String, Object> model) {
        return build(request, spec, model, Secrets.MASKED);
    }

    static Map<String, String> build(DeployRequest request, DeployerSpec spec, Map<String, Object> model,
                                     Secrets secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        spec.env().forEach((name, value) -> {
            switch (value) {
                case EnvValue.Literal l -> env.put(name, Templates.render(l.template(), model));
                case EnvValue.Secret s -> {
                    if (secrets == Secrets.REAL) {
                        env.put(name, secret(request, name, s.name()));
                    } else if (secrets == Secrets.MASKED) {
                        env.put(name, MASK);
                    }
                }
            }
        });
        env.put("PIER_APP", request.app());
        env.put("PIER_ENV", request.environment().name());
        env.put("PIER_RUN_ID", request.runId());
        env.put("PIER_RELEASE_FILE", ReleaseFiles.releaseFile(request).toString());
        env.put("PIER_VALUES_FILE", ReleaseFiles.valuesFile(request).toString());
        return env;
    }

    private static String secret(DeployRequest request, String variable, String secretName) {
        String value = request.secrets().get(secretName);
        if (value == null) {
            throw new IllegalArgumentException("secret '" + secretName + "' for " + variable
                    + " was not provided to this run");
        }
        return value;
    }
}

package dev.pier.signal;

import static dev.pier.oci.Quote.quote;

import dev.pier.config.AppSpec;
import dev.pier.config.EnvironmentSpec;
import dev.pier.config.NodeConfig;
import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The deploy-signal contract (seeds 000, 001): checks a signal against the node's configuration
 * and reports every violation at once, so CI learns everything wrong from one failed run.
 */
public final class SignalValidator {

    private SignalValidator() {}

    public static ValidatedSignal validate(DeploySignal signal, NodeConfig config) throws InvalidSignalException {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(config, "config");
        List<Violation> out = new ArrayList<>();
        AppSpec app = app(signal.app(), config, out);
        EnvironmentSpec environment = environment(signal.environment(), app, out);
        ReferencePolicy policy = app == null ? null : new ReferencePolicy(app.sources());

        Release.ChartRef chart = null;
        Release.ArtifactRef bundle = null;
        if (app == null) {
            // Unknown app: still check the syntax of what was given, so every mistake shows at once.
            if (signal.chart() != null || signal.chartVersion() != null) {
                ArtifactChecks.chart(signal, null, null, out);
            }
            if (signal.bundle() != null) {
                ArtifactChecks.bundle(signal, null, null, out);
            }
        } else {
            switch (app.artifact()) {
                case CHART -> {
                    chart = ArtifactChecks.chart(signal, app, policy, out);
                    ArtifactChecks.absent("--bundle", signal.bundle(), app, out);
                }
                case BUNDLE -> {
                    bundle = ArtifactChecks.bundle(signal, app, policy, out);
                    ArtifactChecks.absent("--chart", signal.chart(), app, out);
                    ArtifactChecks.absent("--chart-version", signal.chartVersion(), app, out);
                }
                case NONE -> {
                    ArtifactChecks.absent("--chart", signal.chart(), app, out);
                    ArtifactChecks.absent("--chart-version", signal.chartVersion(), app, out);
                    ArtifactChecks.absent("--bundle", signal.bundle(), app, out);
                }
            }
        }
        Map<String, Release.ArtifactRef> images = ImageChecks.images(signal.images(), app, policy, out);
        if (!out.isEmpty()) {
            throw new InvalidSignalException(out);
        }
        return new ValidatedSignal(app, environment, new Release(app.name(), chart, bundle, images));
    }

    private static AppSpec app(String name, NodeConfig config, List<Violation> out) {
        if (!validName("--app", name, "app", out)) {
            return null;
        }
        AppSpec app = config.app(name).orElse(null);
        if (app == null) {
            out.add(new Violation("--app", "unknown-app", "unknown app " + quote(name)
                    + " (configured: " + Names.list(new TreeSet<>(config.apps().keySet())) + ")"));
        }
        return app;
    }

    /** The named environment, or the app's only one when none is named. */
    private static EnvironmentSpec environment(String name, AppSpec app, List<Violation> out) {
        if (name == null) {
            if (app == null) {
                return null;
            }
            if (app.environments().size() == 1) {
                return app.environments().values().iterator().next();
            }
            out.add(app.environments().isEmpty()
                    ? new Violation("--env", "no-environment", "app '" + app.name() + "' has no environments configured")
                    : new Violation("--env", "required", "is required: app '" + app.name() + "' has environments "
                            + Names.list(app.environments().keySet())));
            return null;
        }
        if (!validName("--env", name, "environment", out) || app == null) {
            return null;
        }
        EnvironmentSpec environment = app.environment(name).orElse(null);
        if (environment == null) {
            out.add(new Violation("--env", "unknown-env", "unknown environment " + quote(name) + " for app '"
                    + app.name() + "' (configured: " + Names.list(app.environments().keySet()) + ")"));
        }
        return environment;
    }

    private static boolean validName(String argument, String name, String what, List<Violation> out) {
        if (name == null) {
            out.add(new Violation(argument, "required", "is required"));
        } else if (name.isEmpty()) {
            out.add(new Violation(argument, "empty", "must not be empty"));
        } else if (!Names.valid(name)) {
            out.add(new Violation(argument, "invalid-name", quote(name) + " is not a valid " + what
                    + " name: lower-case letters, digits and '-', at most 63, not starting or ending with '-'"));
        } else {
            return true;
        }
        return false;
    }
}

package dev.pier.signal;

import static dev.pier.oci.Quote.quote;

import dev.pier.config.AppSpec;
import dev.pier.oci.Reference;
import dev.pier.pipeline.DeploySignal;
import dev.pier.pipeline.Release;
import java.util.List;

/** {@code --chart}, {@code --chart-version} and {@code --bundle}, by the app's artifact mode. */
final class ArtifactChecks {

    private ArtifactChecks() {}

    /**
     * The chart as given, or null after adding violations. With no app (unknown) nothing is
     * required and no policy applies, but what was given is still checked.
     */
    static Release.ChartRef chart(DeploySignal signal, AppSpec app, ReferencePolicy policy, List<Violation> out) {
        int before = out.size();
        Reference chart = ociReference("--chart", signal.chart(), app, policy, out);
        if (chart != null && chart.hasTag()) {
            out.add(new Violation("--chart", "chart-has-tag", "must not carry a tag (" + quote(chart.tag())
                    + "); give the version with --chart-version"));
        }
        if (chart != null && chart.hasDigest()) {
            out.add(new Violation("--chart", "chart-has-digest",
                    "must not carry a digest; Pier pins the chart itself, give the version with --chart-version"));
        }
        if (signal.chartVersion() == null) {
            if (app != null) {
                out.add(new Violation(ChartVersion.ARGUMENT, "required", "is required for " + why(app)));
            }
        } else {
            ChartVersion.check(signal.chartVersion(), out);
        }
        boolean ok = out.size() == before && signal.chart() != null && signal.chartVersion() != null;
        return ok ? new Release.ChartRef(signal.chart(), signal.chartVersion(), null) : null;
    }

    /** The bundle as given (pinned by tag or digest), or null after adding violations. */
    static Release.ArtifactRef bundle(DeploySignal signal, AppSpec app, ReferencePolicy policy, List<Violation> out) {
        int before = out.size();
        Reference bundle = ociReference("--bundle", signal.bundle(), app, policy, out);
        if (bundle != null && !bundle.hasTag() && !bundle.hasDigest()) {
            out.add(new Violation("--bundle", "unpinned",
                    "must name a tag or a digest, e.g. oci://ghcr.io/org/bundles/app:sha-abcdef1"));
        }
        if (bundle == null || out.size() != before) {
            return null;
        }
        String digest = bundle.hasDigest() ? bundle.digest().toString() : null;
        return new Release.ArtifactRef(signal.bundle(), signal.bundle(), digest, null);
    }

    /** Refuses an argument the app's artifact mode does not take. */
    static void absent(String argument, String value, AppSpec app, List<Violation> out) {
        if (value != null) {
            out.add(new Violation(argument, "not-allowed", "is not used by " + why(app)));
        }
    }

    private static Reference ociReference(
            String argument, String text, AppSpec app, ReferencePolicy policy, List<Violation> out) {
        if (text == null) {
            if (app != null) {
                out.add(new Violation(argument, "required", "is required for " + why(app)));
            }
            return null;
        }
        if (text.isEmpty()) {
            out.add(new Violation(argument, "empty", "must not be empty"));
            return null;
        }
        Reference reference = ReferenceArguments.parse(argument, text, true, out);
        if (reference != null && policy != null) {
            out.addAll(policy.check(argument, reference, app.chartPath()));
        }
        return reference;
    }

    private static String why(AppSpec app) {
        return "app '" + app.name() + "' (" + switch (app.artifact()) {
            case CHART -> "it deploys a Helm chart named by --chart and --chart-version";
            case BUNDLE -> "it deploys a config bundle named by --bundle";
            case NONE -> "it deploys images only";
        } + ")";
    }
}

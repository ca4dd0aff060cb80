package dev.pier.intake;

import dev.pier.config.ConfigException;
import dev.pier.config.EnvironmentSpec;
import dev.pier.config.EnvironmentSpec.PinMode;
import dev.pier.pipeline.DigestResolver;
import dev.pier.pipeline.Release;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies an environment's {@code pin} setting to a release. With {@code pin: digest} every reference must
 * carry a digest, resolved through the registry when the signal named a tag.
 */
public final class ReleasePinner {

    private final Optional<DigestResolver> resolver;

    /** @param resolver the registry client; empty when this node has none */
    public ReleasePinner(Optional<DigestResolver> resolver) {
        this.resolver = resolver;
    }

    public Release pin(Release release, EnvironmentSpec env) throws ConfigException, PinningException {
        if (env.pin() == PinMode.AS_GIVEN) {
            return release;
        }
        if (resolver.isEmpty()) {
            List<String> unpinned = new ArrayList<>();
            release.images().forEach((c, ref) -> {
                if (ref.digest() == null) {
                    unpinned.add(c + "=" + ref.given());
                }
            });
            if (release.chart() != null) {
                unpinned.add("chart=" + release.chart().repository() + ":" + release.chart().version());
            }
            throw new ConfigException("environment " + env.name() + " has pin: digest, but this node has no registry"
                    + " client to resolve " + String.join(", ", unpinned) + " to digests; nothing was deployed."
                    + " Set pin: as-given only for an offline environment");
        }
        return resolve(release, resolver.get());
    }

    private static Release resolve(Release release, DigestResolver registry) throws PinningException {
        var images = new java.util.LinkedHashMap<String, Release.ArtifactRef>();
        for (var e : release.images().entrySet()) {
            Release.ArtifactRef ref = e.getValue();
            // A digest the signal named is still checked: the registry must have it (and its tag must agree).
            String digest = ask(registry, ref.given(), "--images." + e.getKey());
            images.put(e.getKey(), new Release.ArtifactRef(ref.given(), repository(ref.given()) + "@" + digest,
                    digest, ref.defaultedFrom()));
        }
        Release.ChartRef chart = release.chart();
        if (chart != null && chart.digest() == null) {
            // Helm stores a chart version as its tag, with '+' (not allowed in tags) written as '_'.
            String repo = chart.repository().substring("oci://".length());
            chart = new Release.ChartRef(chart.repository(), chart.version(),
                    ask(registry, repo + ":" + chart.version().replace('+', '_'), "--chart"));
        }
        Release.ArtifactRef bundle = release.bundle();
        if (bundle != null) {
            String given = bundle.given().startsWith("oci://") ? bundle.given().substring("oci://".length())
                    : bundle.given();
            String digest = ask(registry, given, "--bundle");
            bundle = new Release.ArtifactRef(bundle.given(), repository(given) + "@" + digest, digest, null);
        }
        return new Release(release.app(), chart, bundle, images);
    }

    private static String ask(DigestResolver registry, String reference, String argument) throws PinningException {
        try {
            return registry.resolve(reference);
        } catch (DigestResolver.ResolutionException e) {
            throw new PinningException(argument + ": cannot resolve " + reference + " to a digest: " + e.getMessage()
                    + "; nothing was deployed");
        }
    }

    // The repository part of a reference: drop any digest, then a tag (which follows the last ':' after the last '/').
    private static String repository(String reference) {
        int at = reference.indexOf('@');
        String name = at < 0 ? reference : reference.substring(0, at);
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        return colon > slash ? name.substring(0, colon) : name;
    }

    /** A reference could not be resolved to a digest; nothing was deployed. */
    public static final class PinningException extends Exception {
        public PinningException(String message) {
            super(message);
        }
    }
}

package dev.pier.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable set of artifacts to put into an environment, with defaults applied.
 *
 * @param app    the app
 * @param chart  the Helm chart; null when the app takes none
 * @param bundle the config bundle; null when the app takes none
 * @param images component → image, in the app's component order, defaults applied
 */
public record Release(String app, ChartRef chart, ArtifactRef bundle, Map<String, ArtifactRef> images) {

    public Release {
        images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }

    /**
     * @param repository the chart repository as given, with {@code oci://}
     * @param version    the chart version as given
     * @param digest     {@code sha256:…} of the chart manifest when pinned; null when deployed as given
     */
    public record ChartRef(String repository, String version, String digest) {}

    /**
     * @param given         the reference exactly as the signal named it (or as the default copied it)
     * @param deploy        the reference the deployer receives: {@code repo@sha256:…} when pinned
     * @param digest        the pinned digest, or null when deployed as given by tag
     * @param defaultedFrom the component whose image this one took because the signal omitted it; null otherwise
     */
    public record ArtifactRef(String given, String deploy, String digest, String defaultedFrom) {
        public static ArtifactRef asGiven(String given) {
            return new ArtifactRef(given, given, null, null);
        }
    }
}

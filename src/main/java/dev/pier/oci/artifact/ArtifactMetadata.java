package dev.pier.oci.artifact;

import static dev.pier.oci.Quote.quote;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a Flux artifact's manifest says about its origin.
 *
 * @param source      {@code org.opencontainers.image.source}, e.g. {@code https://github.com/acme/app}
 * @param revision    {@code org.opencontainers.image.revision}: {@code <branch|tag>@sha1:<40 hex>}
 * @param created     {@code org.opencontainers.image.created}, written as RFC 3339 UTC to the second
 * @param annotations extra manifest annotations; may not override the three above
 */
public record ArtifactMetadata(String source, String revision, Instant created, Map<String, String> annotations) {

    static final Pattern REVISION = Pattern.compile("[^@\\s]+@sha1:[0-9a-f]{40}");

    public ArtifactMetadata {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(created, "created");
        if (!REVISION.matcher(revision).matches()) {
            throw new IllegalArgumentException("revision " + quote(revision)
                    + " must be <branch|tag>@sha1:<40 lower-case hex>, e.g. main@sha1:" + "0".repeat(40));
        }
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        for (String key : annotations.keySet()) {
            if (key.equals(MediaTypes.SOURCE) || key.equals(MediaTypes.REVISION) || key.equals(MediaTypes.CREATED)) {
                throw new IllegalArgumentException("annotation " + quote(key) + " is set from source, revision and created;"
                        + " it cannot be given as an extra annotation");
            }
        }
    }

    public static ArtifactMetadata of(String source, String refName, String sha, Instant created) {
        return new ArtifactMetadata(source, refName + "@sha1:" + sha, created, Map.of());
    }

    public ArtifactMetadata withAnnotations(Map<String, String> extra) {
        return new ArtifactMetadata(source, revision, created, extra);
    }

    /** All manifest annotations, sorted by key so the manifest bytes depend only on the values. */
    public Map<String, String> manifestAnnotations() {
        Map<String, String> all = new TreeMap<>(annotations);
        all.put(MediaTypes.SOURCE, source);
        all.put(MediaTypes.REVISION, revision);
        all.put(MediaTypes.CREATED, created.truncatedTo(ChronoUnit.SECONDS).toString());
        return all;
    }
}

package dev.pier.oci.artifact;

import dev.pier.oci.ContentStore;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import dev.pier.oci.Quote;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/** {@code flux tag artifact}: the identical manifest bytes under more tags; same digest, no blob copied. */
public final class ArtifactTagger {

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private ArtifactTagger() {}

    public static Descriptor tag(ContentStore store, String repository, String fromTagOrDigest, List<String> newTags)
            throws IOException {
        if (newTags == null || newTags.isEmpty()) {
            throw OciException.tried("tag " + repository + " " + fromTagOrDigest, "no new tag was given");
        }
        for (String tag : newTags) {
            if (tag == null || !TAG.matcher(tag).matches()) {
                throw OciException.tried("tag " + repository + " " + fromTagOrDigest + " as " + Quote.quote(tag),
                        "a tag is 1 to 128 of [A-Za-z0-9_.-], not starting with '.' or '-'; no tag was changed");
            }
        }
        Manifest manifest = store.manifest(repository, fromTagOrDigest);
        byte[] bytes = manifest.bytes();
        for (String tag : newTags) {
            Digest digest = store.putManifest(repository, tag, bytes, manifest.mediaType());
            if (!digest.equals(manifest.digest())) {
                throw OciException.tried("tag " + repository + "@" + manifest.digest() + " as " + tag,
                        "the store answered digest " + digest);
            }
        }
        return Descriptor.of(manifest.mediaType(), manifest.digest(), bytes.length);
    }
}

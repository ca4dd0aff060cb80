package dev.pier.oci.layout;

import static dev.pier.oci.OciException.tried;
import static dev.pier.oci.Quote.quote;

import dev.pier.oci.Digest;
import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.OciException;
import java.util.regex.Pattern;

/** Tags and digests as a layout names them, checked before anything is read or written. */
final class LayoutNames {

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private LayoutNames() {}

    static void checkTag(String tag, String action) throws OciException {
        if (!TAG.matcher(tag).matches()) {
            throw tried(action, "tag " + quote(tag) + " is not valid: a tag is 1 to 128 of [A-Za-z0-9_.-],"
                    + " not starting with '.' or '-'");
        }
    }

    static Digest digestOrNull(String tagOrDigest, String action) throws OciException {
        if (tagOrDigest == null || tagOrDigest.isEmpty()) {
            throw tried(action, "no tag or digest was given");
        }
        if (!tagOrDigest.contains(":")) {
            checkTag(tagOrDigest, action);
            return null;
        }
        try {
            return Digest.parse(tagOrDigest);
        } catch (InvalidReferenceException e) {
            throw tried(action, e.getMessage());
        }
    }

    static String display(String repository, String tagOrDigest) {
        if (tagOrDigest == null) {
            return repository;
        }
        return repository + (tagOrDigest.contains(":") ? "@" : ":") + tagOrDigest;
    }
}

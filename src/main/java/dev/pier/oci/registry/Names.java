package dev.pier.oci.registry;

import dev.pier.oci.Digest;
import dev.pier.oci.InvalidReferenceException;
import dev.pier.oci.Quote;
import java.util.regex.Pattern;

/** Checks repository names, tags and digests before they become URL paths, and builds the scopes. */
final class Names {
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern REPOSITORY = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private Names() {}

    static String repository(String repository) {
        if (repository == null || repository.length() > 255 || !REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException("not a valid repository name: " + Quote.quote(repository));
        }
        return repository;
    }

    static String tag(String tag) {
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("not a valid tag: " + Quote.quote(tag));
        }
        return tag;
    }

    /** A tag or a {@code sha256:} digest, as it goes into {@code /manifests/<reference>}. */
    static String reference(String tagOrDigest) {
        if (tagOrDigest != null && tagOrDigest.indexOf(':') >= 0) {
            return digest(tagOrDigest).toString();
        }
        return tag(tagOrDigest);
    }

    static Digest digest(String text) {
        try {
            return Digest.parse(text);
        } catch (InvalidReferenceException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static boolean isDigest(String tagOrDigest) {
        return tagOrDigest.indexOf(':') >= 0;
    }

    /** {@code repo:tag} or {@code repo@sha256:...}, for messages. */
    static String display(String repository, String tagOrDigest) {
        return repository + (isDigest(tagOrDigest) ? "@" : ":") + tagOrDigest;
    }

    static String pull(String repository) {
        return "repository:" + repository + ":pull";
    }

    static String push(String repository) {
        return "repository:" + repository + ":pull,push";
    }

    static String delete(String repository) {
        return "repository:" + repository + ":delete";
    }
}

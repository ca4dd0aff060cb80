package dev.pier.oci;

import static dev.pier.oci.InvalidReferenceException.Problem.SCHEME;

import java.util.Objects;

/**
 * A full OCI reference: {@code registry/repository[:tag][@sha256:hex]}. Pier never defaults the
 * registry (no implicit docker.io) and never normalises, so {@code parse(s).toString().equals(s)}.
 *
 * @param registry   host with optional {@code :port}, or {@code [ipv6]} with optional port
 * @param repository the path below the registry, e.g. {@code acme/pytoya/api}
 * @param tag        the tag, or null
 * @param digest     the digest, or null
 */
public record Reference(String registry, String repository, String tag, Digest digest) {

    public static final String OCI_SCHEME = "oci://";

    public Reference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        try {
            ReferenceParser.checkParts(registry, repository, tag);
        } catch (InvalidReferenceException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Parses a reference without a scheme, e.g. {@code ghcr.io/acme/pytoya/api:abcdef123456}. */
    public static Reference parse(String text) throws InvalidReferenceException {
        return ReferenceParser.parse(text);
    }

    /** Parses {@code oci://registry/repository[:tag][@digest]}, as Helm and Flux write it. */
    public static Reference parseOci(String text) throws InvalidReferenceException {
        if (text == null || !text.startsWith(OCI_SCHEME)) {
            throw new InvalidReferenceException(SCHEME, "must start with " + OCI_SCHEME);
        }
        return ReferenceParser.parse(text.substring(OCI_SCHEME.length()));
    }

    /** {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The first path component: the organisation or user on GHCR. */
    public String org() {
        int slash = repository.indexOf('/');
        return slash < 0 ? repository : repository.substring(0, slash);
    }

    public boolean hasTag() {
        return tag != null;
    }

    public boolean hasDigest() {
        return digest != null;
    }

    /** The same repository pinned by digest alone: {@code repo@sha256:…}, no tag. */
    public Reference withDigest(Digest pinned) {
        return new Reference(registry, repository, null, Objects.requireNonNull(pinned, "digest"));
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name());
        if (tag != null) {
            out.append(':').append(tag);
        }
        if (digest != null) {
            out.append('@').append(digest);
        }
        return out.toString();
    }
}

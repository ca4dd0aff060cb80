package dev.pier.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where OCI content lives: a remote registry ({@code oci.registry}) or an OCI image layout on disk
 * ({@code oci.layout}), behind one interface so pipelines, tests and the demo run with no registry at all.
 * Repositories are paths such as {@code acme/charts/pytoya}; every read is verified against its digest.
 */
public interface ContentStore {

    /** Resolves a tag or digest to the manifest's descriptor; empty when the repository has no such tag. */
    Optional<Descriptor> resolve(String repository, String tagOrDigest) throws IOException;

    /** The manifest's exact bytes, verified against its digest; refused above {@link Manifest#MAX_BYTES}. */
    Manifest manifest(String repository, String tagOrDigest) throws IOException;

    /** Stores manifest bytes unchanged under a tag (or only by digest when {@code tag} is null). */
    Digest putManifest(String repository, String tag, byte[] bytes, String mediaType) throws IOException;

    boolean hasBlob(String repository, Digest digest) throws IOException;

    /** Streams a blob into {@code sink}, verifying size and digest as it streams; throws on a mismatch. */
    void blob(String repository, Digest digest, long expectedSize, OutputStream sink) throws IOException;

    /** Uploads a blob of known digest and size, unless it is already there. */
    void putBlob(String repository, Digest digest, long size, InputStream content) throws IOException;

    List<String> tags(String repository) throws IOException;

    /** Manifests whose {@code subject} is {@code digest}, optionally only of one artifact type. */
    List<Descriptor> referrers(String repository, Digest digest, String artifactType) throws IOException;

    void delete(String repository, Digest digest) throws IOException;
}

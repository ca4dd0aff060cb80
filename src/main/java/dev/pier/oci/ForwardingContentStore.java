package dev.pier.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/** A {@link ContentStore} that passes every call to another; decorators override only what they add to. */
public abstract class ForwardingContentStore implements ContentStore {

    protected final ContentStore delegate;

    protected ForwardingContentStore(ContentStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Descriptor> resolve(String repository, String tagOrDigest) throws IOException {
        return delegate.resolve(repository, tagOrDigest);
    }

    @Override
    public Manifest manifest(String repository, String tagOrDigest) throws IOException {
        return delegate.manifest(repository, tagOrDigest);
    }

    @Override
    public Digest putManifest(String repository, String tag, byte[] bytes, String mediaType) throws IOException {
        return delegate.putManifest(repository, tag, bytes, mediaType);
    }

    @Override
    public boolean hasBlob(String repository, Digest digest) throws IOException {
        return delegate.hasBlob(repository, digest);
    }

    @Override
    public void blob(String repository, Digest digest, long expectedSize, OutputStream sink) throws IOException {
        delegate.blob(repository, digest, expectedSize, sink);
    }

    @Override
    public void putBlob(String repository, Digest digest, long size, InputStream content) throws IOException {
        delegate.putBlob(repository, digest, size, content);
    }

    @Override
    public List<String> tags(String repository) throws IOException {
        return delegate.tags(repository);
    }

    @Override
    public List<Descriptor> referrers(String repository, Digest digest, String artifactType) throws IOException {
        return delegate.referrers(repository, digest, artifactType);
    }

    @Override
    public void delete(String repository, Digest digest) throws IOException {
        delegate.delete(repository, digest);
    }
}

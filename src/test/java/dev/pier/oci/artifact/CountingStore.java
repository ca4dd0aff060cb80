package dev.pier.oci.artifact;

import dev.pier.oci.ContentStore;
import dev.pier.oci.ForwardingContentStore;
import dev.pier.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes everything to a real store and counts blob traffic. */
final class CountingStore extends ForwardingContentStore {
    final AtomicInteger blobsPut = new AtomicInteger();
    final AtomicInteger blobsRead = new AtomicInteger();
    final AtomicInteger manifestsPut = new AtomicInteger();

    CountingStore(ContentStore delegate) {
        super(delegate);
    }

    @Override
    public Digest putManifest(String repository, String tag, byte[] bytes, String mediaType) throws IOException {
        manifestsPut.incrementAndGet();
        return delegate.putManifest(repository, tag, bytes, mediaType);
    }

    @Override
    public void blob(String repository, Digest digest, long expectedSize, OutputStream sink) throws IOException {
        blobsRead.incrementAndGet();
        delegate.blob(repository, digest, expectedSize, sink);
    }

    @Override
    public void putBlob(String repository, Digest digest, long size, InputStream content) throws IOException {
        blobsPut.incrementAndGet();
        delegate.putBlob(repository, digest, size, content);
    }
}

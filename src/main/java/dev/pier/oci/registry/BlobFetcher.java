package dev.pier.oci.registry;

import dev.pier.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, following redirects (without credentials to other origins),
 * streamed into the sink while size and sha256 are checked. On a mismatch the call throws and the caller
 * discards what the sink received.
 */
final class BlobFetcher {
    static final int BUFFER = 64 * 1024;
    private final Transport transport;

    BlobFetcher(Transport transport) {
        this.transport = transport;
    }

    void fetch(String repository, Digest digest, long expectedSize, OutputStream sink) throws IOException {
        Names.repository(repository);
        Action action = Action.of("fetch", "blob " + repository + "@" + digest, "from", transport.endpoint.host());
        Transport.Request request = Transport.Request.get(
                transport.endpoint.resolve("/v2/" + repository + "/blobs/" + digest), Names.pull(repository))
                .followingRedirects();
        try {
            transport.exchange(action, request, Set.of(200), (status, headers, uri, body) -> {
            long declared = headers.firstValueAsLong("Content-Length").orElse(-1);
            if (expectedSize >= 0 && declared >= 0 && declared != expectedSize) {
                throw RegistryErrors.corrupt(action, "the registry announced " + declared + " bytes where "
                        + expectedSize + " were expected");
            }
            copyVerified(action, body, digest, expectedSize, sink);
            return null;
            });
        } catch (SinkFailure e) {
            throw e.getCause();
        }
    }

    /** The caller's sink failed: its error is the caller's, and bytes already written rule out a retry. */
    private static final class SinkFailure extends RuntimeException {
        SinkFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** Copies while hashing; stops as soon as more than {@code expectedSize} bytes arrive. */
    static void copyVerified(Action action, InputStream in, Digest digest, long expectedSize, OutputStream sink)
            throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                throw RegistryErrors.corrupt(action, "the download broke off after " + total + " bytes ("
                        + e.getClass().getSimpleName() + ")");
            }
            if (n < 0) {
                break;
            }
            total += n;
            if (expectedSize >= 0 && total > expectedSize) {
                throw RegistryErrors.corrupt(action, "the registry sent more than the expected " + expectedSize + " bytes");
            }
            sha.update(buffer, 0, n);
            try {
                sink.write(buffer, 0, n);
            } catch (IOException e) {
                throw new SinkFailure(e);
            }
        }
        if (expectedSize >= 0 && total != expectedSize) {
            throw RegistryErrors.corrupt(action, "only " + total + " of " + expectedSize + " bytes arrived");
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(digest.hex())) {
            throw RegistryErrors.corrupt(action, "the bytes received have digest sha256:" + actual);
        }
    }
}

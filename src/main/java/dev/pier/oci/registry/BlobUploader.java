package dev.pier.oci.registry;

import dev.pier.oci.Digest;
import dev.pier.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Blob uploads: monolithic ({@code POST} then {@code PUT ?digest=}) up to the chunk size, chunked
 * ({@code PATCH} with {@code Content-Range}) above it, and cross-repository mount falling back to an upload
 * when the registry answers 202. The content is hashed while it is read; a digest or size mismatch aborts the
 * session and nothing is committed. A failed chunk is resumed from the offset the registry reports.
 */
final class BlobUploader {

    /** Opens the content only when it is really needed (a mount may make it unnecessary). */
    @FunctionalInterface
    interface ContentSupplier {
        InputStream open() throws IOException;
    }

    private final Transport transport;
    private final BlobChecker checker;
    private final int chunkSize;

    BlobUploader(Transport transport, BlobChecker checker, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        this.transport = transport;
        this.checker = checker;
        this.chunkSize = chunkSize;
    }

    void upload(String repository, Digest digest, long size, InputStream content) throws IOException {
        Names.repository(repository);
        Action action = action(repository, digest);
        URI location = start(action, uploadsUri(repository, ""), Names.push(repository), Set.of(202)).location();
        uploadInto(action, repository, digest, size, content, location);
    }

    /** True when the registry mounted the blob; false when it had to be uploaded after all. */
    boolean mount(String repository, Digest digest, String fromRepository, long size, ContentSupplier content)
            throws IOException {
        Names.repository(repository);
        Names.repository(fromRepository);
        Action action = Action.of("mount", "blob " + digest + " from " + fromRepository + " into " + repository,
                "on", transport.endpoint.host());
        String query = "?mount=" + enc(digest.toString()) + "&from=" + enc(fromRepository);
        Session session = start(action, uploadsUri(repository, query),
                Names.push(repository) + " " + Names.pull(fromRepository), Set.of(201, 202));
        if (session.status() == 201) {
            return true;
        }
        try (InputStream in = content.open()) {
            uploadInto(action(repository, digest), repository, digest, size, in, session.location());
        }
        return false;
    }

    private record Session(int status, URI location) {}

    private Session start(Action action, URI uri, String scope, Set<Integer> expected) throws IOException {
        Transport.Request request = Transport.Request.get(uri, scope)
                .withHeaders(Map.of("Content-Type", "application/octet-stream")).method("POST", new byte[0]);
        return transport.exchange(action, request, expected, (status, headers, at, body) ->
                new Session(status, status == 201 ? null : location(action, headers, at)));
    }

    private void uploadInto(Action action, String repository, Digest digest, long size, InputStream content,
                            URI location) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("blob size must be known to upload it");
        }
        MessageDigest sha = sha256();
        URI at = location;
        if (size <= chunkSize) {
            byte[] bytes = content.readNBytes((int) size);
            checkLength(action, at, bytes.length, size, content);
            sha.update(bytes);
            checkDigest(action, at, sha, digest);
            commit(action, repository, digest, at, bytes);
            return;
        }
        byte[] buffer = new byte[chunkSize];
        long offset = 0;
        while (offset < size) {
            int n = content.readNBytes(buffer, 0, (int) Math.min(chunkSize, size - offset));
            if (n == 0) {
                checkLength(action, at, offset, size, content);
            }
            sha.update(buffer, 0, n);
            at = patch(action, repository, at, buffer, n, offset);
            offset += n;
        }
        checkLength(action, at, offset, size, content);
        checkDigest(action, at, sha, digest);
        commit(action, repository, digest, at, new byte[0]);
    }

    /** One chunk; on a retryable failure, asks the registry where it is and sends the rest of the chunk. */
    private URI patch(Action action, String repository, URI location, byte[] buffer, int length, long start) throws IOException {
        int sent = 0;
        URI at = location;
        for (int attempt = 1; ; attempt++) {
            byte[] slice = sent == 0 && length == buffer.length ? buffer : Arrays.copyOfRange(buffer, sent, length);
            Transport.Request request = new Transport.Request("PATCH", at,
                    Map.of("Content-Type", "application/octet-stream",
                            "Content-Range", (start + sent) + "-" + (start + length - 1)),
                    slice, Names.push(repository), false, false, true, null);
            try {
                URI from = at;
                return transport.exchange(action, request, Set.of(202, 204),
                        (status, headers, uri, body) -> location(action, headers, from));
            } catch (OciException e) {
                if (!retryable(e) || attempt >= transport.retry.maxAttempts()) {
                    throw e;
                }
                transport.pause(action, transport.retry.backoff(attempt));
                Progress progress = progress(action, repository, at);
                long accepted = progress.offset() - start;
                if (accepted < 0 || accepted > length) {
                    throw RegistryErrors.protocol(action, "the registry reports offset " + progress.offset()
                            + " while chunk " + start + "-" + (start + length - 1) + " was being sent; the upload cannot resume");
                }
                at = progress.location();
                sent = (int) accepted;
                if (sent == length) {
                    return at;
                }
            }
        }
    }

    private record Progress(long offset, URI location) {}

    /** {@code GET <location>}: 204 with {@code Range: 0-<last byte>}. */
    private Progress progress(Action action, String repository, URI location) throws IOException {
        Transport.Request request = Transport.Request.get(location, Names.push(repository));
        return transport.exchange(action, request, Set.of(204, 200), (status, headers, uri, body) -> {
            String range = headers.firstValue("Range").orElse("0-0").trim();
            if (range.startsWith("bytes=")) {
                range = range.substring("bytes=".length());
            }
            int dash = range.indexOf('-');
            long end;
            try {
                end = Long.parseLong(range.substring(dash + 1).trim());
            } catch (RuntimeException e) {
                throw RegistryErrors.protocol(action, "the registry's upload Range " + dev.pier.oci.Quote.quote(range)
                        + " is not start-end");
            }
            // distribution writes 0-0 both for nothing and for one byte; chunks are never one byte long here
            long offset = end == 0 ? 0 : end + 1;
            return new Progress(offset, headers.firstValue("Location").isPresent() ? location(action, headers, location) : location);
        });
    }

    private void commit(Action action, String repository, Digest digest, URI location, byte[] body) throws IOException {
        String sep = location.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(location + sep + "digest=" + enc(digest.toString()));
        Transport.Request request = new Transport.Request("PUT", put,
                Map.of("Content-Type", "application/octet-stream"), body, Names.push(repository),
                false, true, true, null);
        try {
            transport.exchange(action, request, Set.of(201, 204), (status, headers, uri, in) -> null);
        } catch (OciException e) {
            // a retried PUT whose first attempt was committed finds its session gone: the blob is there
            if (!"BLOB_UPLOAD_UNKNOWN".equals(e.code()) || !checker.exists(repository, digest)) {
                throw e;
            }
        }
    }

    private void checkLength(Action action, URI location, long read, long size, InputStream content) throws IOException {
        if (read < size) {
            abort(location);
            throw RegistryErrors.corrupt(action, "the content ended after " + read + " of " + size + " bytes");
        }
        if (content.read() >= 0) {
            abort(location);
            throw RegistryErrors.corrupt(action, "the content is longer than the declared " + size + " bytes");
        }
    }

    private void checkDigest(Action action, URI location, MessageDigest sha, Digest digest) throws IOException {
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(digest.hex())) {
            abort(location);
            throw RegistryErrors.corrupt(action, "the content has digest sha256:" + actual);
        }
    }

    /** Best effort: a session left behind expires on the registry anyway. */
    private void abort(URI location) {
        try {
            Transport.Request request = new Transport.Request("DELETE", location, Map.of(), null,
                    null, false, false, true, null);
            transport.exchange(new Action("cancel an upload on " + transport.endpoint.host()), request,
                    Set.of(200, 202, 204, 404), (status, headers, uri, body) -> null);
        } catch (IOException | RuntimeException e) {
            // the commit never happened, which is what matters
        }
    }

    private static URI location(Action action, HttpHeaders headers, URI base) throws IOException {
        String location = headers.firstValue("Location").orElse(null);
        if (location == null || location.isBlank()) {
            throw RegistryErrors.protocol(action, "the registry answered without an upload Location");
        }
        try {
            return base.resolve(location);
        } catch (IllegalArgumentException e) {
            throw RegistryErrors.protocol(action, "the registry's upload Location is not a URI");
        }
    }

    private static boolean retryable(OciException e) {
        return e.kind() == OciException.Kind.UNAVAILABLE || e.kind() == OciException.Kind.UNREACHABLE
                || e.kind() == OciException.Kind.TOO_MANY_REQUESTS;
    }

    private URI uploadsUri(String repository, String query) {
        return transport.endpoint.resolve("/v2/" + repository + "/blobs/uploads/" + query);
    }

    private Action action(String repository, Digest digest) {
        return Action.of("push", "blob " + repository + "@" + digest, "to", transport.endpoint.host());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

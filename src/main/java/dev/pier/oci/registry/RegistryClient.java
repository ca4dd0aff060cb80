package dev.pier.oci.registry;

import dev.pier.oci.ContentStore;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A {@link ContentStore} backed by one OCI registry over {@code java.net.http}. Every request goes to the
 * {@link RegistryEndpoint}'s base URI; every manifest and blob read is verified against its digest; failures
 * are {@link dev.pier.oci.OciException}s that name the action and the registry. Close it to stop its threads.
 */
public final class RegistryClient implements ContentStore, AutoCloseable {

    public static final int DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;

    private final RegistryEndpoint endpoint;
    private final HttpClient http;
    private final ExecutorService executor;
    private final StallWatchdog watchdog;
    private final Transport transport;
    private final Pinger pinger;
    private final ManifestGetter manifestGetter;
    private final ManifestPusher manifestPusher;
    private final ManifestDeleter manifestDeleter;
    private final BlobChecker blobChecker;
    private final BlobFetcher blobFetcher;
    private final BlobUploader blobUploader;
    private final TagLister tagLister;
    private final ReferrersLister referrersLister;
    private final ReferrersTagWriter referrersTagWriter;
    private final boolean maintainReferrersTag;

    private RegistryClient(Builder b) {
        this.endpoint = b.endpoint;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        TokenBucket bucket = b.ratePerSecond > 0
                ? new TokenBucket(b.ratePerSecond, b.burst, System::nanoTime, b.sleeper)
                : TokenBucket.unlimited();
        this.watchdog = new StallWatchdog(b.requestTimeout);
        this.transport = new Transport(endpoint, http, b.retry, b.sleeper, b.clock, bucket, b.requestTimeout, watchdog,
                new Authenticator.Settings(b.credentials, b.allowedTokenHosts), b.listener);
        this.pinger = new Pinger(transport);
        this.manifestGetter = new ManifestGetter(transport);
        this.manifestPusher = new ManifestPusher(transport);
        this.manifestDeleter = new ManifestDeleter(transport);
        this.blobChecker = new BlobChecker(transport);
        this.blobFetcher = new BlobFetcher(transport);
        this.blobUploader = new BlobUploader(transport, blobChecker, b.chunkSize);
        this.tagLister = new TagLister(transport, b.tagPageSize);
        this.referrersLister = new ReferrersLister(transport, manifestGetter);
        this.referrersTagWriter = new ReferrersTagWriter(manifestGetter, manifestPusher);
        this.maintainReferrersTag = b.maintainReferrersTag;
    }

    public static Builder builder(RegistryEndpoint endpoint) {
        return new Builder(endpoint);
    }

    public RegistryEndpoint endpoint() {
        return endpoint;
    }

    /** {@code GET /v2/}: the registry answers and accepts the credentials. */
    public void ping() throws IOException {
        pinger.ping();
    }

    @Override
    public Optional<Descriptor> resolve(String repository, String tagOrDigest) throws IOException {
        return manifestGetter.resolve(repository, tagOrDigest);
    }

    @Override
    public Manifest manifest(String repository, String tagOrDigest) throws IOException {
        return manifestGetter.get(repository, tagOrDigest);
    }

    /**
     * {@inheritDoc} When the manifest has a {@code subject} and the registry did not answer {@code OCI-Subject}
     * (no referrers API), it is also added to the referrers tag {@code sha256-<subject hex>}.
     */
    @Override
    public Digest putManifest(String repository, String tag, byte[] bytes, String mediaType) throws IOException {
        ManifestPusher.Pushed pushed = manifestPusher.pushed(repository, tag, bytes, mediaType);
        if (maintainReferrersTag && !pushed.subjectAcknowledged()) {
            Optional<Digest> subject = ReferrersTagWriter.subject(bytes);
            if (subject.isPresent()) {
                referrersTagWriter.add(repository, subject.get(), bytes, mediaType, pushed.digest());
            }
        }
        return pushed.digest();
    }

    @Override
    public boolean hasBlob(String repository, Digest digest) throws IOException {
        return blobChecker.exists(repository, digest);
    }

    @Override
    public void blob(String repository, Digest digest, long expectedSize, OutputStream sink) throws IOException {
        blobFetcher.fetch(repository, digest, expectedSize, sink);
    }

    @Override
    public void putBlob(String repository, Digest digest, long size, InputStream content) throws IOException {
        if (blobChecker.exists(repository, digest)) {
            return;
        }
        blobUploader.upload(repository, digest, size, content);
    }

    /**
     * Mounts a blob from another repository of the same registry; when the registry answers 202 instead,
     * uploads it from {@code content}. True when mounted, false when uploaded.
     */
    public boolean mountBlob(String repository, Digest digest, String fromRepository, long size,
                             ContentOpener content) throws IOException {
        return blobUploader.mount(repository, digest, fromRepository, size, content::open);
    }

    /** Opens a blob's content when an upload turns out to be needed. */
    @FunctionalInterface
    public interface ContentOpener {
        InputStream open() throws IOException;
    }

    @Override
    public List<String> tags(String repository) throws IOException {
        return tagLister.list(repository);
    }

    @Override
    public List<Descriptor> referrers(String repository, Digest digest, String artifactType) throws IOException {
        return referrersLister.list(repository, digest, artifactType);
    }

    @Override
    public void delete(String repository, Digest digest) throws IOException {
        manifestDeleter.delete(repository, digest);
    }

    @Override
    public void close() {
        http.close();
        watchdog.close();
        executor.close();
    }

    /** Options, each with a bounded default. */
    public static final class Builder {
        private final RegistryEndpoint endpoint;
        private CredentialSource credentials = CredentialSource.anonymous();
        private Set<String> allowedTokenHosts = Set.of();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private RetryPolicy retry = RetryPolicy.defaults();
        private Sleeper sleeper = Sleeper.REAL;
        private Clock clock = Clock.systemUTC();
        private double ratePerSecond = 0;
        private int burst = 1;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private int tagPageSize = 0;
        private boolean maintainReferrersTag = true;
        private RequestListener listener = RequestListener.NONE;

        private Builder(RegistryEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        public Builder credentials(Credentials explicit) {
            this.credentials = CredentialSource.of(explicit);
            return this;
        }

        public Builder credentials(CredentialSource source) {
            this.credentials = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Token realms on these hosts ({@code host} or {@code host:port}) may receive the credentials. */
        public Builder allowTokenHosts(Set<String> hosts) {
            this.allowedTokenHosts = Set.copyOf(hosts);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /** Until the response headers arrive, and then the longest a response body may stop flowing. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "request timeout");
            return this;
        }

        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** How retries and the rate limit wait; tests pass one that records instead of sleeping. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** At most {@code perSecond} requests per second on average to this registry, bursts of {@code burst}. */
        public Builder rateLimit(double perSecond, int burst) {
            if (perSecond <= 0 || burst < 1) {
                throw new IllegalArgumentException("rate limit needs a positive rate and burst");
            }
            this.ratePerSecond = perSecond;
            this.burst = burst;
            return this;
        }

        /** Blobs up to this size go up in one PUT; larger ones in PATCH chunks of this size. */
        public Builder chunkSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("chunk size must be at least 1024 bytes");
            }
            this.chunkSize = bytes;
            return this;
        }

        /** {@code n=} for tag listing; 0 lets the registry choose. */
        public Builder tagPageSize(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("tag page size must not be negative");
            }
            this.tagPageSize = n;
            return this;
        }

        /** Whether pushing a manifest with a subject updates the referrers tag where the API is missing (default on). */
        public Builder maintainReferrersTag(boolean maintain) {
            this.maintainReferrersTag = maintain;
            return this;
        }

        public Builder listener(RequestListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        public RegistryClient build() {
            return new RegistryClient(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}

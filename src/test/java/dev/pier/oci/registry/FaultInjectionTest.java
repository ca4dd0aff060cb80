package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each operation through a fault-injecting proxy: it succeeds through retries or fails clearly; corruption is never accepted. */
class FaultInjectionTest {

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.anonymous();

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final String REPO = "acme/faults";
    static byte[] layer;
    static Digest layerDigest;
    static byte[] manifestBytes;
    static Digest manifestDigest;

    FaultProxy proxy;
    RegistryClient client;
    RecordingSleeper sleeper;
    List<String> requests;

    @BeforeAll
    static void seed() throws Exception {
        layer = Blobs.random(150_000, 42);
        layerDigest = Blobs.digest(layer);
        manifestBytes = Blobs.manifest(layer, null, null, 0);
        try (RegistryClient direct = RegistryClient.builder(RegistryEndpoint.loopbackHttp(REGISTRY.host())).build()) {
            manifestDigest = RegistryClientTest.pushImage(direct, REPO, "v1", layer);
        }
    }

    @BeforeEach
    void start() throws Exception {
        requests = new CopyOnWriteArrayList<>();
        proxy = FaultProxy.start(REGISTRY.base(), requests::add);
        sleeper = new RecordingSleeper();
        client = RegistryClient.builder(RegistryEndpoint.loopbackHttp(proxy.host()))
                .retry(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30)))
                .sleeper(sleeper).clock(Clock.fixed(NOW, ZoneOffset.UTC)).chunkSize(64 * 1024)
                .requestTimeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        proxy.close();
    }

    @Test
    void server_errors_are_retried_with_growing_jittered_backoff() throws Exception {
        proxy.status("GET", "/manifests/", 1, 500, Map.of(), "");
        proxy.status("GET", "/manifests/", 1, 502, Map.of(), "bad gateway");
        proxy.status("GET", "/manifests/", 1, 503, Map.of(), "");
        Manifest m = client.manifest(REPO, "v1");
        assertThat(m.bytes()).isEqualTo(manifestBytes);
        assertThat(sleeper.waits).hasSize(3);
        assertThat(sleeper.waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(sleeper.waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(sleeper.waits.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void retry_after_in_seconds_is_honoured() throws Exception {
        proxy.status("HEAD", "/manifests/", 1, 429, Map.of("Retry-After", "2"), "");
        assertThat(client.resolve(REPO, "v1")).isPresent();
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void retry_after_as_an_http_date_is_honoured() throws Exception {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(NOW.plusSeconds(7), ZoneOffset.UTC));
        proxy.status("GET", "/tags/list", 1, 429, Map.of("Retry-After", date), "");
        assertThat(client.tags(REPO)).contains("v1");
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void retry_after_only_in_the_body_is_honoured_as_ghcr_writes_it() throws Exception {
        proxy.status("GET", "/blobs/", 1, 429, Map.of("Content-Type", "application/json"),
                "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"retry-after: 10.3ms, allowed: 44000/minute\"}]}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.blob(REPO, layerDigest, layer.length, out);
        assertThat(out.toByteArray()).isEqualTo(layer);
        assertThat(sleeper.waits).containsExactly(Duration.ofMillis(11));
    }

    @Test
    void a_huge_retry_after_is_capped() throws Exception {
        proxy.status("GET", "/manifests/", 1, 503, Map.of("Retry-After", "86400"), "");
        client.manifest(REPO, "v1");
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(30));
    }

    @Test
    void still_rate_limited_after_the_retries_is_a_clear_error() {
        proxy.status("GET", "/manifests/", 10, 429, Map.of("Retry-After", "1"),
                "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}");
        assertThatThrownBy(() -> client.manifest(REPO, "v1"))
                .isInstanceOf(OciException.class)
                .hasMessage("tried to fetch manifest " + REPO + ":v1 from " + proxy.host()
                        + " but the registry answered 429 TOOMANYREQUESTS: slow down (after 4 attempts)")
                .satisfies(e -> assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.TOO_MANY_REQUESTS));
        assertThat(sleeper.waits).hasSize(3);
    }

    @Test
    void a_persistent_server_error_fails_after_the_attempts() {
        proxy.status(null, "/", 100, 503, Map.of(), "");
        assertThatThrownBy(() -> client.tags(REPO)).isInstanceOf(OciException.class)
                .hasMessage("tried to list tags of " + REPO + " on " + proxy.host()
                        + " but the registry answered 503 (after 4 attempts)");
        assertThat(requests).hasSize(4);
    }

    @Test
    void reset_connections_are_retried() throws Exception {
        proxy.fault("GET", "/manifests/", 2, FaultProxy.Kind.RESET);
        proxy.fault("HEAD", "/blobs/", 1, FaultProxy.Kind.RESET);
        assertThat(client.manifest(REPO, manifestDigest.toString()).bytes()).isEqualTo(manifestBytes);
        assertThat(client.hasBlob(REPO, layerDigest)).isTrue();
        // the JDK client itself re-sends an idempotent request once on a dropped connection, so count requests
        assertThat(requests).filteredOn(r -> r.startsWith("GET")).hasSize(3);
        assertThat(requests).filteredOn(r -> r.startsWith("HEAD")).hasSize(2);
    }

    @Test
    void connections_that_keep_failing_are_a_clear_unreachable_error() {
        proxy.fault(null, "/", 100, FaultProxy.Kind.RESET);
        assertThatThrownBy(() -> client.ping()).isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to check the API of registry " + proxy.host() + " but ")
                .hasMessageEndingWith("after 4 attempts")
                .satisfies(e -> assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.UNREACHABLE));
    }

    @Test
    void a_truncated_manifest_is_fetched_again() throws Exception {
        proxy.fault("GET", "/manifests/", 1, FaultProxy.Kind.TRUNCATE);
        assertThat(client.manifest(REPO, "v1").bytes()).isEqualTo(manifestBytes);
        assertThat(requests).filteredOn(r -> r.startsWith("GET")).hasSize(2);
    }

    @Test
    void a_truncated_blob_is_an_error() {
        proxy.fault("GET", "/blobs/", 1, FaultProxy.Kind.TRUNCATE);
        assertThatThrownBy(() -> client.blob(REPO, layerDigest, layer.length, new ByteArrayOutputStream()))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to fetch blob " + REPO + "@" + layerDigest + " from " + proxy.host() + " but ")
                .hasMessageEndingWith("the content was not accepted")
                .satisfies(e -> assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.CORRUPT));
    }

    @Test
    void a_corrupt_blob_is_never_accepted() {
        proxy.fault("GET", "/blobs/", 1, FaultProxy.Kind.CORRUPT);
        assertThatThrownBy(() -> client.blob(REPO, layerDigest, layer.length, new ByteArrayOutputStream()))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("the bytes received have digest sha256:")
                .satisfies(e -> assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.CORRUPT));
    }

    @Test
    void a_corrupt_manifest_is_never_accepted_by_digest_or_by_tag() {
        proxy.fault("GET", "/manifests/", 2, FaultProxy.Kind.CORRUPT);
        assertThatThrownBy(() -> client.manifest(REPO, manifestDigest.toString()))
                .isInstanceOf(OciException.class).hasMessageContaining("the bytes received have digest");
        assertThatThrownBy(() -> client.manifest(REPO, "v1"))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("the registry said digest '" + manifestDigest + "' but the bytes received have digest");
    }

    @Test
    void resolves_by_get_and_computes_the_digest_when_the_registry_does_not_send_it() throws Exception {
        proxy.fault(null, "/manifests/", 2, FaultProxy.Kind.STRIP_DIGEST);
        assertThat(client.resolve(REPO, "v1")).hasValueSatisfying(d -> {
            assertThat(d.digest()).isEqualTo(manifestDigest);
            assertThat(d.size()).isEqualTo(manifestBytes.length);
        });
        assertThat(requests).containsExactly("HEAD /v2/" + REPO + "/manifests/v1", "GET /v2/" + REPO + "/manifests/v1");
    }

    @Test
    void a_failed_chunk_is_resumed_from_the_registry_offset() throws Exception {
        byte[] big = Blobs.random(200_000, 43);
        Digest d = Blobs.digest(big);
        proxy.status("PATCH", "/blobs/uploads/", 1, 503, Map.of(), "");
        proxy.fault("PATCH", "/blobs/uploads/", 1, FaultProxy.Kind.RESET);
        client.putBlob(REPO, d, big.length, new ByteArrayInputStream(big));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.blob(REPO, d, big.length, out);
        assertThat(out.toByteArray()).isEqualTo(big);
        assertThat(requests).filteredOn(r -> r.startsWith("PATCH")).hasSize(6);
    }

    @Test
    void a_monolithic_upload_survives_server_errors() throws Exception {
        byte[] small = Blobs.random(5000, 44);
        Digest d = Blobs.digest(small);
        proxy.status("POST", "/blobs/uploads/", 1, 502, Map.of(), "");
        proxy.status("PUT", "/blobs/uploads/", 1, 500, Map.of(), "");
        client.putBlob(REPO, d, small.length, new ByteArrayInputStream(small));
        assertThat(client.hasBlob(REPO, d)).isTrue();
    }

    @Test
    void blob_redirects_are_followed_without_credentials_to_another_origin() throws Exception {
        proxy.fault("GET", "/blobs/", 1, FaultProxy.Kind.REDIRECT_TO_TARGET);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.blob(REPO, layerDigest, layer.length, out);
        assertThat(out.toByteArray()).isEqualTo(layer);
    }

    @Test
    void a_next_page_link_to_another_origin_is_refused() {
        proxy.status("GET", "/tags/list", 1, 200, Map.of("Content-Type", "application/json",
                "Link", "<http://127.0.0.2:1/v2/x/tags/list?last=a>; rel=\"next\""), "{\"tags\":[\"a\"]}");
        assertThatThrownBy(() -> client.tags(REPO)).isInstanceOf(OciException.class)
                .hasMessageContaining("next-page Link points to http://127.0.0.2:1, another origin");
    }

    @Test
    void a_manifest_over_4_mib_is_refused_while_streaming() {
        String body = "{\"pad\":\"" + "x".repeat(Manifest.MAX_BYTES) + "\"}";
        proxy.status("GET", "/manifests/", 1, 200, Map.of("Content-Type", Blobs.OCI_MANIFEST), body);
        assertThatThrownBy(() -> client.manifest(REPO, "v1")).isInstanceOf(OciException.class)
                .hasMessageContaining("larger than the 4194304 bytes")
                .satisfies(e -> assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.TOO_LARGE));
    }

    @Test
    void a_body_that_stops_flowing_times_out() throws Exception {
        proxy.fault("GET", "/blobs/", 1, FaultProxy.Kind.STALL);
        proxy.fault("GET", "/manifests/", 1, FaultProxy.Kind.STALL);
        try (RegistryClient impatient = RegistryClient.builder(RegistryEndpoint.loopbackHttp(proxy.host()))
                .retry(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ZERO)).sleeper(sleeper)
                .requestTimeout(Duration.ofMillis(300)).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> impatient.blob(REPO, layerDigest, layer.length, new ByteArrayOutputStream()))
                    .isInstanceOf(OciException.class).hasMessageContaining("broke off")
                    .hasMessageContaining("HttpTimeoutException");
            // a stalled manifest is fetched again
            assertThat(impatient.manifest(REPO, "v1").bytes()).isEqualTo(manifestBytes);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void uses_the_referrers_api_when_the_registry_has_it() throws Exception {
        String sig = "{\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"digest\":\"" + Blobs.digest(new byte[] {1})
                + "\",\"size\":10,\"artifactType\":\"application/vnd.example.sig\"}";
        String sbom = "{\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"digest\":\"" + Blobs.digest(new byte[] {2})
                + "\",\"size\":20,\"artifactType\":\"application/vnd.example.sbom\"}";
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_INDEX + "\",\"manifests\":[";
        // first page links to a second; this registry does not filter, so the client does
        proxy.status("GET", "/referrers/", 1, 200, Map.of("Content-Type", Blobs.OCI_INDEX,
                "Link", "</v2/" + REPO + "/referrers/" + manifestDigest + "?page=2>; rel=\"next\""), index + sig + "]}");
        proxy.status("GET", "/referrers/", 1, 200, Map.of("Content-Type", Blobs.OCI_INDEX), index + sbom + "]}");
        assertThat(client.referrers(REPO, manifestDigest, "application/vnd.example.sbom"))
                .extracting(dev.pier.oci.Descriptor::size).containsExactly(20L);
        // a registry that applied the filter is trusted
        proxy.status("GET", "/referrers/", 1, 200, Map.of("Content-Type", Blobs.OCI_INDEX,
                "OCI-Filters-Applied", "artifactType"), index + sig + "]}");
        assertThat(client.referrers(REPO, manifestDigest, "application/vnd.example.sig")).hasSize(1);
        assertThat(requests).containsExactly(
                "GET /v2/" + REPO + "/referrers/" + manifestDigest + "?artifactType=application%2Fvnd.example.sbom",
                "GET /v2/" + REPO + "/referrers/" + manifestDigest + "?page=2",
                "GET /v2/" + REPO + "/referrers/" + manifestDigest + "?artifactType=application%2Fvnd.example.sig");
    }

    @Test
    void the_rate_limit_spaces_requests() throws Exception {
        try (RegistryClient limited = RegistryClient.builder(RegistryEndpoint.loopbackHttp(proxy.host()))
                .rateLimit(1, 2).sleeper(sleeper).build()) {
            for (int i = 0; i < 5; i++) {
                limited.ping();
            }
        }
        assertThat(sleeper.waits).hasSize(3).allSatisfy(w -> assertThat(w).isGreaterThan(Duration.ofMillis(500)));
    }

    @Test
    void a_mirror_serves_references_to_another_host_and_messages_name_that_host() throws Exception {
        try (RegistryClient mirrored = RegistryClient.builder(
                RegistryEndpoint.mirror("registry.example.com", proxy.base())).retry(RetryPolicy.none()).build()) {
            assertThat(mirrored.manifest(REPO, "v1").bytes()).isEqualTo(manifestBytes);
            assertThatThrownBy(() -> mirrored.manifest(REPO, "missing"))
                    .hasMessageStartingWith("tried to fetch manifest " + REPO + ":missing from registry.example.com but");
        }
        assertThat(requests).hasSize(2);
    }

    @Test
    void a_failing_sink_is_the_callers_error_and_is_not_retried() {
        java.io.OutputStream full = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                throw new java.io.IOException("disk full");
            }
        };
        assertThatThrownBy(() -> client.blob(REPO, layerDigest, layer.length, full)).hasMessage("disk full");
        assertThat(requests).hasSize(1);
    }

    @Test
    void a_commit_whose_answer_was_lost_is_recognised_as_done() throws Exception {
        byte[] small = Blobs.random(3000, 45);
        Digest d = Blobs.digest(small);
        proxy.fault("PUT", "/blobs/uploads/", 1, FaultProxy.Kind.LOSE_ANSWER);
        client.putBlob(REPO, d, small.length, new ByteArrayInputStream(small));
        assertThat(requests).filteredOn(r -> r.startsWith("PUT")).hasSize(2);
        assertThat(client.hasBlob(REPO, d)).isTrue();
    }
}

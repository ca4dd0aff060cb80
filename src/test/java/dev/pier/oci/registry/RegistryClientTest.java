package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Happy paths against the real distribution registry, anonymous. */
class RegistryClientTest {

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.anonymous();

    static RegistryClient client;

    @BeforeAll
    static void connect() {
        client = RegistryClient.builder(RegistryEndpoint.loopbackHttp(REGISTRY.host()))
                .retry(RetryPolicy.none()).chunkSize(64 * 1024).build();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    /** Pushes config, layer and manifest; returns the manifest's digest. */
    static Digest pushImage(RegistryClient c, String repository, String tag, byte[] layer) throws Exception {
        c.putBlob(repository, Blobs.digest(Blobs.CONFIG), Blobs.CONFIG.length, new ByteArrayInputStream(Blobs.CONFIG));
        c.putBlob(repository, Blobs.digest(layer), layer.length, new ByteArrayInputStream(layer));
        return c.putManifest(repository, tag, Blobs.manifest(layer, null, null, 0), Blobs.OCI_MANIFEST);
    }

    @Test
    void pings_the_registry() throws Exception {
        client.ping();
    }

    @Test
    void pushes_and_fetches_a_manifest_by_tag_and_digest_with_the_exact_bytes() throws Exception {
        byte[] layer = Blobs.random(1000, 1);
        byte[] manifest = Blobs.manifest(layer, null, null, 0);
        Digest digest = pushImage(client, "acme/app", "v1", layer);
        assertThat(digest).isEqualTo(Blobs.digest(manifest));

        Manifest byTag = client.manifest("acme/app", "v1");
        assertThat(byTag.bytes()).isEqualTo(manifest);
        assertThat(byTag.digest()).isEqualTo(digest);
        assertThat(byTag.mediaType()).isEqualTo(Blobs.OCI_MANIFEST);

        Manifest byDigest = client.manifest("acme/app", digest.toString());
        assertThat(byDigest.bytes()).isEqualTo(manifest);
    }

    @Test
    void resolves_a_tag_with_head_and_reports_a_missing_one_as_empty() throws Exception {
        byte[] layer = Blobs.random(10, 2);
        Digest digest = pushImage(client, "acme/resolve", "v1", layer);
        Descriptor d = client.resolve("acme/resolve", "v1").orElseThrow();
        assertThat(d.digest()).isEqualTo(digest);
        assertThat(d.mediaType()).isEqualTo(Blobs.OCI_MANIFEST);
        assertThat(d.size()).isEqualTo(Blobs.manifest(layer, null, null, 0).length);
        assertThat(client.resolve("acme/resolve", "nope")).isEmpty();
        assertThat(client.resolve("acme/resolve", digest.toString())).contains(d);
    }

    @Test
    void a_missing_manifest_is_a_clear_not_found_error() {
        assertThatThrownBy(() -> client.manifest("acme/none", "v9"))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to fetch manifest acme/none:v9 from " + REGISTRY.host()
                        + " but the registry answered 404 ")
                .satisfies(e -> assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.NOT_FOUND));
    }

    @Test
    void fetches_a_blob_verified_and_refuses_a_wrong_expected_size() throws Exception {
        byte[] layer = Blobs.random(200_000, 3);
        Digest d = Blobs.digest(layer);
        client.putBlob("acme/blob", d, layer.length, new ByteArrayInputStream(layer));
        assertThat(client.hasBlob("acme/blob", d)).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.blob("acme/blob", d, layer.length, out);
        assertThat(out.toByteArray()).isEqualTo(layer);

        assertThatThrownBy(() -> client.blob("acme/blob", d, layer.length - 1, new ByteArrayOutputStream()))
                .isInstanceOf(OciException.class).hasMessageContaining("not accepted")
                .satisfies(e -> assertThat(((OciException) e).kind()).isEqualTo(OciException.Kind.CORRUPT));
        assertThat(client.hasBlob("acme/blob", Blobs.digest(new byte[] {1}))).isFalse();
    }

    @Test
    void uploads_a_large_blob_in_chunks() throws Exception {
        byte[] big = Blobs.random(300_000, 4);
        Digest d = Blobs.digest(big);
        List<String> methods = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.start(REGISTRY.base(), methods::add);
             RegistryClient viaProxy = RegistryClient.builder(RegistryEndpoint.loopbackHttp(proxy.host()))
                     .retry(RetryPolicy.none()).chunkSize(64 * 1024).build()) {
            viaProxy.putBlob("acme/chunked", d, big.length, new ByteArrayInputStream(big));
        }
        assertThat(methods.stream().filter(m -> m.startsWith("PATCH")).count()).isEqualTo(5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.blob("acme/chunked", d, big.length, out);
        assertThat(out.toByteArray()).isEqualTo(big);
    }

    @Test
    void refuses_to_upload_content_that_does_not_match_its_digest() {
        byte[] content = Blobs.random(5000, 5);
        Digest claimed = Blobs.digest(Blobs.random(5000, 6));
        assertThatThrownBy(() -> client.putBlob("acme/bad", claimed, content.length, new ByteArrayInputStream(content)))
                .isInstanceOf(OciException.class).hasMessageContaining("the content has digest " + Blobs.digest(content));
        byte[] big = Blobs.random(200_000, 7);
        Digest wrong = Blobs.digest(Blobs.random(10, 8));
        assertThatThrownBy(() -> client.putBlob("acme/bad", wrong, big.length, new ByteArrayInputStream(big)))
                .isInstanceOf(OciException.class).hasMessageContaining("not accepted");
        assertThatThrownBy(() -> client.putBlob("acme/bad", Blobs.digest(content), content.length + 1,
                new ByteArrayInputStream(content))).hasMessageContaining("ended after 5000 of 5001 bytes");
    }

    @Test
    void mounts_a_blob_from_another_repository_and_falls_back_to_upload() throws Exception {
        byte[] layer = Blobs.random(4000, 9);
        Digest d = Blobs.digest(layer);
        client.putBlob("acme/source", d, layer.length, new ByteArrayInputStream(layer));
        AtomicInteger opened = new AtomicInteger();
        assertThat(client.mountBlob("acme/target", d, "acme/source", layer.length, () -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(layer);
        })).isTrue();
        assertThat(opened).hasValue(0);
        assertThat(client.hasBlob("acme/target", d)).isTrue();

        byte[] other = Blobs.random(3000, 10);
        Digest od = Blobs.digest(other);
        assertThat(client.mountBlob("acme/target", od, "acme/empty", other.length, () -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(other);
        })).isFalse();
        assertThat(opened).hasValue(1);
        assertThat(client.hasBlob("acme/target", od)).isTrue();
    }

    @Test
    void lists_tags_with_and_without_pagination() throws Exception {
        byte[] layer = Blobs.random(10, 11);
        for (String tag : List.of("a1", "a2", "a3", "a4", "a5")) {
            pushImage(client, "acme/tags", tag, layer);
        }
        assertThat(client.tags("acme/tags")).containsExactlyInAnyOrder("a1", "a2", "a3", "a4", "a5");
        // distribution 2.8.2 answers the whole list even when n= is given; the proxy pages it with Link headers
        List<String> requests = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.start(REGISTRY.base(), requests::add).paginateTags(2);
             RegistryClient paged = RegistryClient.builder(RegistryEndpoint.loopbackHttp(proxy.host()))
                     .retry(RetryPolicy.none()).tagPageSize(2).build()) {
            assertThat(paged.tags("acme/tags")).containsExactly("a1", "a2", "a3", "a4", "a5");
        }
        assertThat(requests).containsExactly("GET /v2/acme/tags/tags/list?n=2",
                "GET /v2/acme/tags/tags/list?last=a2", "GET /v2/acme/tags/tags/list?last=a4");
        assertThat(client.tags("acme/never-pushed")).isEmpty();
    }

    @Test
    void deletes_a_manifest_by_digest() throws Exception {
        Digest d = pushImage(client, "acme/del", "v1", Blobs.random(10, 12));
        client.delete("acme/del", d);
        assertThat(client.resolve("acme/del", d.toString())).isEmpty();
        assertThatThrownBy(() -> client.delete("acme/del", d)).isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to delete manifest acme/del@" + d + " from " + REGISTRY.host());
    }

    @Test
    void finds_referrers_through_the_tag_schema_when_the_api_is_missing() throws Exception {
        byte[] layer = Blobs.random(10, 13);
        Digest subject = pushImage(client, "acme/ref", "v1", layer);
        long subjectSize = Blobs.manifest(layer, null, null, 0).length;
        assertThat(client.referrers("acme/ref", subject, null)).isEmpty();

        byte[] sig = Blobs.manifest(layer, "application/vnd.example.signature", subject, subjectSize);
        byte[] sbom = Blobs.manifest(layer, "application/vnd.example.sbom", subject, subjectSize);
        Digest sigDigest;
        Digest sbomDigest;
        try (RegistryClient manual = RegistryClient.builder(RegistryEndpoint.loopbackHttp(REGISTRY.host()))
                .maintainReferrersTag(false).build()) {
            sigDigest = manual.putManifest("acme/ref", null, sig, Blobs.OCI_MANIFEST);
            sbomDigest = manual.putManifest("acme/ref", null, sbom, Blobs.OCI_MANIFEST);
            assertThat(manual.referrers("acme/ref", subject, null)).isEmpty();
        }
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"digest\":\"" + sigDigest + "\",\"size\":" + sig.length
                + ",\"artifactType\":\"application/vnd.example.signature\"},"
                + "{\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"digest\":\"" + sbomDigest + "\",\"size\":" + sbom.length
                + ",\"artifactType\":\"application/vnd.example.sbom\",\"annotations\":{\"k\":\"v\"}}]}";
        client.putManifest("acme/ref", "sha256-" + subject.hex(), index.getBytes(StandardCharsets.UTF_8), Blobs.OCI_INDEX);

        assertThat(client.referrers("acme/ref", subject, null)).extracting(Descriptor::digest)
                .containsExactly(sigDigest, sbomDigest);
        List<Descriptor> sboms = client.referrers("acme/ref", subject, "application/vnd.example.sbom");
        assertThat(sboms).singleElement().satisfies(x -> {
            assertThat(x.digest()).isEqualTo(sbomDigest);
            assertThat(x.size()).isEqualTo(sbom.length);
            assertThat(x.annotations()).containsEntry("k", "v");
        });
    }

    @Test
    void pushing_a_referrer_maintains_the_referrers_tag_where_the_api_is_missing() throws Exception {
        byte[] layer = Blobs.random(10, 14);
        Digest subject = pushImage(client, "acme/auto", "v1", layer);
        long subjectSize = Blobs.manifest(layer, null, null, 0).length;
        byte[] sig = Blobs.manifest(layer, "application/vnd.example.signature", subject, subjectSize);
        byte[] sbom = Blobs.manifest(layer, "application/vnd.example.sbom", subject, subjectSize);
        Digest sigDigest = client.putManifest("acme/auto", null, sig, Blobs.OCI_MANIFEST);
        Digest sbomDigest = client.putManifest("acme/auto", null, sbom, Blobs.OCI_MANIFEST);
        client.putManifest("acme/auto", null, sbom, Blobs.OCI_MANIFEST);

        assertThat(client.tags("acme/auto")).contains("sha256-" + subject.hex());
        assertThat(client.referrers("acme/auto", subject, null)).extracting(Descriptor::digest)
                .containsExactly(sigDigest, sbomDigest);
        assertThat(client.referrers("acme/auto", subject, "application/vnd.example.signature"))
                .singleElement().satisfies(d -> assertThat(d.size()).isEqualTo(sig.length));
    }

    @Test
    void refuses_to_push_a_manifest_over_4_mib() {
        byte[] huge = new byte[Manifest.MAX_BYTES + 1];
        assertThatThrownBy(() -> client.putManifest("acme/app", "huge", huge, Blobs.OCI_MANIFEST))
                .isInstanceOf(OciException.class).hasMessageContaining("larger than the 4194304 bytes Pier accepts");
    }

    @Test
    void refuses_invalid_names_before_any_request() {
        assertThatThrownBy(() -> client.manifest("acme/../x", "v1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.manifest("acme/app", "v1?x=1")).isInstanceOf(IllegalArgumentException.class);
    }
}

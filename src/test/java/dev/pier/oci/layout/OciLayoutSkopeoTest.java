package dev.pier.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skopeo reads what the store writes, and the store reads what skopeo writes. */
class OciLayoutSkopeoTest {

    @TempDir
    Path root;

    @Test
    void skopeo_inspect_raw_returns_the_manifest_bytes_the_store_wrote() throws Exception {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = OciLayoutStoreTest.pushImage(store, "acme/app", "hello");
        store.putManifest("acme/app", "v1", bytes, OciLayoutStore.IMAGE_MANIFEST_MEDIA_TYPE);

        byte[] raw = Skopeo.run("inspect", "--raw", "oci:" + root.resolve("acme/app") + ":v1");

        assertThat(raw).isEqualTo(bytes);
    }

    @Test
    void a_layout_copied_by_skopeo_is_read_back_by_the_store() throws Exception {
        OciLayoutStore store = new OciLayoutStore(root.resolve("a"));
        byte[] bytes = OciLayoutStoreTest.pushImage(store, "acme/app", "hello");
        Digest digest = store.putManifest("acme/app", "v1", bytes, OciLayoutStore.IMAGE_MANIFEST_MEDIA_TYPE);

        java.nio.file.Files.createDirectories(root.resolve("b/acme"));
        Skopeo.run("--insecure-policy", "copy", "oci:" + root.resolve("a/acme/app") + ":v1",
                "oci:" + root.resolve("b/acme/copy") + ":v2");

        OciLayoutStore copy = new OciLayoutStore(root.resolve("b"));
        Manifest manifest = copy.manifest("acme/copy", "v2");
        assertThat(manifest.digest()).isEqualTo(digest);
        assertThat(manifest.bytes()).isEqualTo(bytes);
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        byte[] gzipped = OciLayoutStoreTest.gzip("hello");
        copy.blob("acme/copy", OciLayoutStore.sha256(gzipped), gzipped.length, layer);
        assertThat(layer.toByteArray()).isEqualTo(gzipped);
    }
}

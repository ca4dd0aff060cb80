package dev.pier.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OciLayoutStoreTest {

    static final String MANIFEST = OciLayoutStore.IMAGE_MANIFEST_MEDIA_TYPE;

    @TempDir
    Path root;

    /** Pushes a config and one layer and returns the manifest bytes that reference them. */
    static byte[] pushImage(OciLayoutStore store, String repository, String content) throws IOException {
        Digest config = putBlob(store, repository, "{}");
        byte[] layerBytes = gzip(content);
        Digest layer = OciLayoutStore.sha256(layerBytes);
        store.putBlob(repository, layer, layerBytes.length, new ByteArrayInputStream(layerBytes));
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + layer + "\",\"size\":" + layerBytes.length + "}]}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(String content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static Digest putBlob(OciLayoutStore store, String repository, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Digest digest = OciLayoutStore.sha256(bytes);
        store.putBlob(repository, digest, bytes.length, new ByteArrayInputStream(bytes));
        return digest;
    }

    @Test
    void a_pushed_manifest_reads_back_byte_for_byte_by_tag_and_by_digest() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = pushImage(store, "acme/app", "hello");

        Digest digest = store.putManifest("acme/app", "v1", bytes, MANIFEST);

        assertThat(digest).isEqualTo(OciLayoutStore.sha256(bytes));
        Manifest byTag = store.manifest("acme/app", "v1");
        assertThat(byTag.bytes()).isEqualTo(bytes);
        assertThat(byTag.mediaType()).isEqualTo(MANIFEST);
        assertThat(store.manifest("acme/app", digest.toString()).bytes()).isEqualTo(bytes);
        assertThat(store.resolve("acme/app", "v1")).get().extracting(Descriptor::digest).isEqualTo(digest);
        assertThat(store.resolve("acme/app", "v2")).isEmpty();
        assertThat(store.tags("acme/app")).containsExactly("v1");
    }

    @Test
    void the_layout_has_oci_layout_index_json_and_a_ref_name_annotation_per_tag() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = pushImage(store, "acme/app", "hello");
        Digest digest = store.putManifest("acme/app", "v1", bytes, MANIFEST);

        Path layout = root.resolve("acme/app");
        assertThat(layout.resolve("oci-layout")).hasContent("{\"imageLayoutVersion\":\"1.0.0\"}");
        assertThat(layout.resolve("blobs/sha256/" + digest.hex())).hasBinaryContent(bytes);
        JsonNode index = new ObjectMapper().readTree(layout.resolve("index.json").toFile());
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.path("manifests")).hasSize(1);
        JsonNode entry = index.path("manifests").get(0);
        assertThat(entry.path("digest").asText()).isEqualTo(digest.toString());
        assertThat(entry.path("size").asLong()).isEqualTo(bytes.length);
        assertThat(entry.path("annotations").path("org.opencontainers.image.ref.name").asText()).isEqualTo("v1");
    }

    @Test
    void pushing_a_tag_again_moves_it_and_keeps_other_tags() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        Digest first = store.putManifest("acme/app", "v1", pushImage(store, "acme/app", "one"), MANIFEST);
        store.putManifest("acme/app", "stable", pushImage(store, "acme/app", "one"), MANIFEST);
        Digest second = store.putManifest("acme/app", "v1", pushImage(store, "acme/app", "two"), MANIFEST);

        assertThat(second).isNotEqualTo(first);
        assertThat(store.resolve("acme/app", "v1")).get().extracting(Descriptor::digest).isEqualTo(second);
        assertThat(store.resolve("acme/app", "stable")).get().extracting(Descriptor::digest).isEqualTo(first);
        assertThat(store.tags("acme/app")).containsExactly("stable", "v1");
    }

    @Test
    void a_manifest_pushed_by_digest_only_is_readable_by_digest_and_has_no_tag() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = pushImage(store, "acme/app", "x");
        Digest digest = store.putManifest("acme/app", null, bytes, MANIFEST);

        assertThat(store.manifest("acme/app", digest.toString()).bytes()).isEqualTo(bytes);
        assertThat(store.tags("acme/app")).isEmpty();
    }

    @Test
    void a_manifest_over_4_mib_is_refused_and_nothing_is_written() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] huge = new byte[Manifest.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');

        assertThatThrownBy(() -> store.putManifest("acme/app", "v1", huge, MANIFEST))
                .isInstanceOf(OciException.class)
                .hasMessage("tried to push manifest acme/app:v1 but it is 4194305 bytes; at most 4194304 are allowed");
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void a_manifest_whose_blobs_are_missing_is_refused() {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":\"x\","
                + "\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> store.putManifest("acme/app", "v1", bytes, MANIFEST))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("tried to push manifest acme/app:v1 but it references 'sha256:aaaa")
                .hasMessageContaining("push its blobs first");
    }

    @Test
    void a_manifest_whose_media_type_field_disagrees_is_refused() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = pushImage(store, "acme/app", "x");

        assertThatThrownBy(() -> store.putManifest("acme/app", "v1", bytes, OciLayoutStore.INDEX_MEDIA_TYPE))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("its mediaType field says");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "acme/../../escape", "/etc/app", "Acme/app", "acme//app", "acme/app/",
            "acme/./app", "acme/ap p", "acme\\app", ".."})
    void a_repository_path_outside_the_grammar_is_refused_and_nothing_is_written(String repository) throws IOException {
        Path inside = Files.createDirectory(root.resolve("root"));
        OciLayoutStore store = new OciLayoutStore(inside);
        byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> store.putBlob(repository, OciLayoutStore.sha256(bytes), 2, new ByteArrayInputStream(bytes)))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to push blob ")
                .hasMessageContaining("is not a valid repository path");
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all).containsExactlyInAnyOrder(root, inside);
        }
    }

    @Test
    void a_symbolic_link_inside_the_root_is_not_followed() throws IOException {
        Path inside = Files.createDirectory(root.resolve("root"));
        Path outside = Files.createDirectory(root.resolve("outside"));
        Files.createSymbolicLink(inside.resolve("acme"), outside);
        OciLayoutStore store = new OciLayoutStore(inside);

        assertThatThrownBy(() -> putBlob(store, "acme/app", "{}"))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("is a symbolic link");
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void a_blob_whose_content_does_not_match_its_digest_is_refused_and_leaves_no_file() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
        Digest wrong = OciLayoutStore.sha256("other".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.putBlob("acme/app", wrong, bytes.length, new ByteArrayInputStream(bytes)))
                .isInstanceOf(OciException.class)
                .hasMessage("tried to push blob acme/app@" + wrong + " but the content has digest "
                        + OciLayoutStore.sha256(bytes));
        assertThatThrownBy(() -> store.putBlob("acme/app", OciLayoutStore.sha256(bytes), 3, new ByteArrayInputStream(bytes)))
                .hasMessageContaining("the content is longer than the declared 3 bytes");
        try (Stream<Path> blobs = Files.list(root.resolve("acme/app/blobs/sha256"))) {
            assertThat(blobs).isEmpty();
        }
    }

    @Test
    void a_blob_changed_on_disk_is_refused_on_read() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        Digest digest = putBlob(store, "acme/app", "hello");
        Files.writeString(root.resolve("acme/app/blobs/sha256/" + digest.hex()), "jello");

        assertThatThrownBy(() -> store.blob("acme/app", digest, 5, new ByteArrayOutputStream()))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to read blob acme/app@" + digest + " but the blob on disk has digest")
                .hasMessageEndingWith("the layout is corrupt");
    }

    @Test
    void a_manifest_changed_on_disk_is_refused_on_read() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = pushImage(store, "acme/app", "hello");
        Digest digest = store.putManifest("acme/app", "v1", bytes, MANIFEST);
        byte[] changed = bytes.clone();
        changed[changed.length - 2] = ' ';
        Files.write(root.resolve("acme/app/blobs/sha256/" + digest.hex()), changed);

        assertThatThrownBy(() -> store.manifest("acme/app", "v1"))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to read manifest acme/app:v1 but the manifest on disk has digest");
    }

    @Test
    void reading_an_unknown_tag_names_the_tag_and_the_layout() {
        OciLayoutStore store = new OciLayoutStore(root);

        assertThatThrownBy(() -> store.manifest("acme/app", "v9"))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to read manifest acme/app:v9 but the layout ")
                .hasMessageEndingWith("has no such tag");
    }

    @Test
    void concurrent_pushes_of_different_tags_lose_none() throws Exception {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = pushImage(store, "acme/app", "shared");
        List<Future<Digest>> pushes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 64; i++) {
                String tag = "t" + i;
                pushes.add(pool.submit(() -> new OciLayoutStore(root).putManifest("acme/app", tag, bytes, MANIFEST)));
            }
            for (Future<Digest> push : pushes) {
                push.get();
            }
        }
        assertThat(store.tags("acme/app")).hasSize(64);
    }

    @Test
    void referrers_lists_manifests_whose_subject_is_the_digest() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] image = pushImage(store, "acme/app", "image");
        Digest subject = store.putManifest("acme/app", "v1", image, MANIFEST);
        Digest config = putBlob(store, "acme/app", "{}");
        byte[] signature = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"artifactType\":\"application/x-sig\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + config + "\",\"size\":2},"
                + "\"layers\":[],\"subject\":{\"mediaType\":\"" + MANIFEST + "\",\"digest\":\"" + subject + "\",\"size\":"
                + image.length + "},\"annotations\":{\"k\":\"v\"}}").getBytes(StandardCharsets.UTF_8);
        Digest referrer = store.putManifest("acme/app", null, signature, MANIFEST);

        assertThat(store.referrers("acme/app", subject, null))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.digest()).isEqualTo(referrer);
                    assertThat(d.artifactType()).isEqualTo("application/x-sig");
                    assertThat(d.annotations()).containsEntry("k", "v");
                });
        assertThat(store.referrers("acme/app", subject, "application/other")).isEmpty();
    }

    @Test
    void delete_removes_the_manifest_and_its_tags() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        Digest digest = store.putManifest("acme/app", "v1", pushImage(store, "acme/app", "x"), MANIFEST);

        store.delete("acme/app", digest);

        assertThat(store.tags("acme/app")).isEmpty();
        assertThat(store.hasBlob("acme/app", digest)).isFalse();
    }

    @Test
    void a_manifest_over_4_mib_on_disk_is_refused_on_read() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        byte[] bytes = pushImage(store, "acme/app", "hello");
        Digest digest = store.putManifest("acme/app", "v1", bytes, MANIFEST);
        byte[] huge = new byte[Manifest.MAX_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        Files.write(root.resolve("acme/app/blobs/sha256/" + digest.hex()), huge);

        assertThatThrownBy(() -> store.manifest("acme/app", "v1"))
                .isInstanceOf(OciException.class)
                .hasMessage("tried to read manifest acme/app:v1 but the manifest is 4194314 bytes; at most 4194304 are allowed");
    }

    @Test
    void a_layer_digest_does_not_resolve_as_a_manifest() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        store.putManifest("acme/app", "v1", pushImage(store, "acme/app", "hello"), MANIFEST);

        assertThat(store.resolve("acme/app", OciLayoutStore.sha256(gzip("hello")).toString())).isEmpty();
    }

    @Test
    void pushing_a_blob_again_replaces_a_copy_of_the_wrong_size() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        Digest digest = putBlob(store, "acme/app", "hello");
        Path file = root.resolve("acme/app/blobs/sha256/" + digest.hex());
        Files.writeString(file, "truncated!");

        putBlob(store, "acme/app", "hello");

        assertThat(file).hasContent("hello");
    }

    @Test
    void a_repository_nested_in_another_repositorys_blob_store_is_refused() throws IOException {
        OciLayoutStore store = new OciLayoutStore(root);
        putBlob(store, "acme", "{}");

        assertThatThrownBy(() -> putBlob(store, "acme/blobs/sha256", "{}"))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("its layout would sit inside the blob store of repository 'acme'");
        putBlob(store, "acme/app", "{}");
        assertThat(store.hasBlob("acme/app", OciLayoutStore.sha256("{}".getBytes(StandardCharsets.UTF_8)))).isTrue();
    }
}

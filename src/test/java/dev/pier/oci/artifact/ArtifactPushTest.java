package dev.pier.oci.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.layout.OciLayoutStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactPushTest {

    static final Instant CREATED = Instant.parse("2026-11-23T10:15:30.123Z");
    static final ArtifactMetadata META = ArtifactMetadata.of("https://github.com/acme/app", "main", "a".repeat(40), CREATED);

    @TempDir
    Path tmp;

    @Test
    void the_same_tree_with_other_mtimes_permissions_and_owners_pushes_to_the_same_digest() throws Exception {
        Path one = Trees.sample(tmp.resolve("one"), Instant.parse("2020-01-01T00:00:00Z"));
        Path two = Trees.sample(tmp.resolve("two"), Instant.parse("2025-06-30T12:34:56Z"));
        Files.setPosixFilePermissions(two.resolve("README"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        UserPrincipal nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(two.resolve("README"), nobody);
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));

        Descriptor first = ArtifactPusher.pushDirectory(store, "acme/app", "v1", one, META);
        Descriptor second = ArtifactPusher.pushDirectory(store, "acme/other", "v1", two, META);

        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(layer(store, "acme/app", "v1").digest).isEqualTo(layer(store, "acme/other", "v1").digest);
    }

    @Test
    void a_later_push_with_another_created_time_changes_the_manifest_but_not_the_layer() throws Exception {
        Path dir = Trees.sample(tmp.resolve("src"), Instant.parse("2020-01-01T00:00:00Z"));
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));

        Descriptor first = ArtifactPusher.pushDirectory(store, "acme/app", "v1", dir, META);
        Descriptor second = ArtifactPusher.pushDirectory(store, "acme/app", "v2", dir,
                ArtifactMetadata.of("https://github.com/acme/app", "main", "a".repeat(40), CREATED.plusSeconds(60)));

        assertThat(second.digest()).isNotEqualTo(first.digest());
        assertThat(layer(store, "acme/app", "v1").digest).isEqualTo(layer(store, "acme/app", "v2").digest);
    }

    @Test
    void the_manifest_is_a_flux_artifact_with_source_revision_created_and_extra_annotations() throws Exception {
        Path dir = Trees.sample(tmp.resolve("src"), CREATED);
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));

        Descriptor pushed = ArtifactPusher.pushDirectory(store, "acme/app", "v1", dir,
                META.withAnnotations(Map.of("dev.pier.environment", "prod")));

        Manifest manifest = store.manifest("acme/app", "v1");
        assertThat(manifest.digest()).isEqualTo(pushed.digest());
        assertThat(manifest.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        JsonNode json = new ObjectMapper().readTree(manifest.bytes());
        assertThat(json.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(json.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(json.path("config").path("mediaType").asText()).isEqualTo("application/vnd.cncf.flux.config.v1+json");
        assertThat(json.path("config").path("size").asInt()).isEqualTo(2);
        ByteArrayOutputStream config = new ByteArrayOutputStream();
        store.blob("acme/app", Digest.parse(json.path("config").path("digest").asText()), 2, config);
        assertThat(config.toString()).isEqualTo("{}");
        assertThat(json.path("layers")).hasSize(1);
        assertThat(json.path("layers").get(0).path("mediaType").asText())
                .isEqualTo("application/vnd.cncf.flux.content.v1.tar+gzip");
        JsonNode annotations = json.path("annotations");
        assertThat(annotations.path("org.opencontainers.image.source").asText()).isEqualTo("https://github.com/acme/app");
        assertThat(annotations.path("org.opencontainers.image.revision").asText()).isEqualTo("main@sha1:" + "a".repeat(40));
        assertThat(annotations.path("org.opencontainers.image.created").asText()).isEqualTo("2026-11-23T10:15:30Z");
        assertThat(annotations.path("dev.pier.environment").asText()).isEqualTo("prod");
    }

    @Test
    void tar_entries_are_relative_sorted_owned_by_root_with_zero_mtimes_and_fixed_modes() throws Exception {
        Path dir = Trees.sample(tmp.resolve("src"), CREATED);
        Files.createSymbolicLink(dir.resolve("link-to-etc"), Path.of("/etc"));
        Files.createSymbolicLink(dir.resolve("deploy/link.yaml"), Path.of("base.yaml"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ReproducibleTarGz.write(dir, IgnoreRules.defaults(), out);

        byte[] gz = out.toByteArray();
        assertThat(gz[4] | gz[5] | gz[6] | gz[7]).as("gzip mtime").isZero();
        assertThat(gz[9] & 0xff).as("gzip OS byte").isEqualTo(255);
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(gz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                names.add(entry.getName() + " " + Integer.toOctalString(entry.getMode()));
                assertThat(entry.getLongUserId()).isZero();
                assertThat(entry.getLongGroupId()).isZero();
                assertThat(entry.getUserName()).isEmpty();
                assertThat(entry.getGroupName()).isEmpty();
                assertThat(entry.getModTime().getTime()).isZero();
                assertThat(entry.isSymbolicLink()).isFalse();
            }
        }
        assertThat(names).containsExactly(
                "README 100644",
                "deploy/ 40755",
                "deploy/base.yaml 100644",
                "deploy/overlays/ 40755",
                "deploy/overlays/prod/ 40755",
                "deploy/overlays/prod/patch.yaml 100644",
                "empty/ 40755",
                "run.sh 100755");
    }

    @Test
    void default_ignores_and_the_sourceignore_file_leave_paths_out() throws Exception {
        Path dir = Trees.sample(tmp.resolve("src"), CREATED);
        Trees.write(dir.resolve(".git/config"), "[core]", "rw-r--r--", CREATED);
        Trees.write(dir.resolve("logo.png"), "png", "rw-r--r--", CREATED);
        Trees.write(dir.resolve("old.tar.gz"), "gz", "rw-r--r--", CREATED);
        Trees.write(dir.resolve("notes/todo.md"), "todo", "rw-r--r--", CREATED);
        Trees.write(dir.resolve("notes/keep.md"), "keep", "rw-r--r--", CREATED);
        Trees.write(dir.resolve("secrets/.env"), "x", "rw-r--r--", CREATED);
        Trees.write(dir.resolve(".sourceignore"), "# local rules\nnotes/*.md\n!notes/keep.md\nsecrets/\n", "rw-r--r--", CREATED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ReproducibleTarGz.write(dir, IgnoreRules.forDirectory(dir), out);

        assertThat(names(out.toByteArray()))
                .contains(".sourceignore", "notes/", "notes/keep.md", "deploy/base.yaml")
                .doesNotContain(".git/", ".git/config", "logo.png", "old.tar.gz", "notes/todo.md", "secrets/", "secrets/.env");
    }

    @Test
    void tagging_re_puts_the_same_manifest_bytes_and_copies_no_blob() throws Exception {
        Path dir = Trees.sample(tmp.resolve("src"), CREATED);
        OciLayoutStore layout = new OciLayoutStore(tmp.resolve("store"));
        Descriptor pushed = ArtifactPusher.pushDirectory(layout, "acme/app", "v1", dir, META);
        long blobsBefore = countFiles(tmp.resolve("store/acme/app/blobs/sha256"));
        CountingStore store = new CountingStore(layout);

        Descriptor tagged = ArtifactTagger.tag(store, "acme/app", "v1", List.of("latest", "prod"));

        assertThat(tagged.digest()).isEqualTo(pushed.digest());
        assertThat(store.blobsPut).hasValue(0);
        assertThat(store.blobsRead).hasValue(0);
        assertThat(store.manifestsPut).hasValue(2);
        assertThat(countFiles(tmp.resolve("store/acme/app/blobs/sha256"))).isEqualTo(blobsBefore);
        assertThat(layout.tags("acme/app")).containsExactly("latest", "prod", "v1");
        assertThat(layout.manifest("acme/app", "prod").bytes()).isEqualTo(layout.manifest("acme/app", "v1").bytes());
    }

    @Test
    void a_revision_that_is_not_ref_at_sha1_is_refused_with_the_expected_form() {
        assertThatThrownBy(() -> ArtifactMetadata.of("https://x", "main", "abc", CREATED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be <branch|tag>@sha1:<40 lower-case hex>");
    }

    @Test
    void an_invalid_new_tag_is_refused_before_any_tag_changes() throws Exception {
        Path dir = Trees.sample(tmp.resolve("src"), CREATED);
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));
        ArtifactPusher.pushDirectory(store, "acme/app", "v1", dir, META);

        assertThatThrownBy(() -> ArtifactTagger.tag(store, "acme/app", "v1", List.of("ok", "-bad")))
                .isInstanceOf(dev.pier.oci.OciException.class)
                .hasMessageStartingWith("tried to tag acme/app v1 as '-bad' but a tag is 1 to 128 of");
        assertThat(store.tags("acme/app")).containsExactly("v1");
    }

    record Layer(Digest digest, long size) {}

    static Layer layer(OciLayoutStore store, String repository, String tag) throws Exception {
        JsonNode layer = new ObjectMapper().readTree(store.manifest(repository, tag).bytes()).path("layers").get(0);
        return new Layer(Digest.parse(layer.path("digest").asText()), layer.path("size").asLong());
    }

    static List<String> names(byte[] gz) throws Exception {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(gz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                names.add(entry.getName());
            }
        }
        return names;
    }

    static long countFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}

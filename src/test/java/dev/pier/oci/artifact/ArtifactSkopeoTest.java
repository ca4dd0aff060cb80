package dev.pier.oci.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.oci.Descriptor;
import dev.pier.oci.Manifest;
import dev.pier.oci.layout.OciLayoutStore;
import dev.pier.oci.layout.Skopeo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Flux artifact in the layout store is readable by skopeo, and skopeo's copy is readable by Pier. */
class ArtifactSkopeoTest {

    @TempDir
    Path tmp;

    @Test
    void skopeo_reads_a_pushed_flux_artifact_and_pier_reads_skopeos_copy_of_it() throws Exception {
        Path dir = Trees.sample(tmp.resolve("src"), ArtifactPushTest.CREATED);
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("a"));
        Descriptor pushed = ArtifactPusher.pushDirectory(store, "acme/app", "v1", dir, ArtifactPushTest.META);
        byte[] bytes = store.manifest("acme/app", "v1").bytes();

        byte[] raw = Skopeo.run("inspect", "--raw", "oci:" + tmp.resolve("a/acme/app") + ":v1");
        assertThat(raw).isEqualTo(bytes);

        Files.createDirectories(tmp.resolve("b/acme"));
        Skopeo.run("--insecure-policy", "copy", "oci:" + tmp.resolve("a/acme/app") + ":v1",
                "oci:" + tmp.resolve("b/acme/copy") + ":v1");
        Manifest copied = new OciLayoutStore(tmp.resolve("b")).manifest("acme/copy", "v1");
        assertThat(copied.digest()).isEqualTo(pushed.digest());
        assertThat(copied.bytes()).isEqualTo(bytes);
        assertThat(ArtifactPushTest.layer(new OciLayoutStore(tmp.resolve("b")), "acme/copy", "v1"))
                .isEqualTo(ArtifactPushTest.layer(store, "acme/app", "v1"));
    }
}

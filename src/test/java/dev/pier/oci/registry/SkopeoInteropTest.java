package dev.pier.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the client writes, skopeo reads and copies; what skopeo writes, the client reads and verifies. */
class SkopeoInteropTest {

    @RegisterExtension
    static final RegistryServer REGISTRY = RegistryServer.anonymous();

    private static byte[] skopeo(String... args) throws Exception {
        Process p = new ProcessBuilder(List.of(args)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("skopeo exit status").isZero();
        return out;
    }

    @Test
    void skopeo_reads_and_copies_what_the_client_pushed() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo is not installed");
        byte[] layer = Blobs.random(100_000, 77);
        try (RegistryClient client = RegistryClient.builder(RegistryEndpoint.loopbackHttp(REGISTRY.host())).build()) {
            Digest digest = RegistryClientTest.pushImage(client, "acme/interop", "v1", layer);
            byte[] raw = skopeo("skopeo", "inspect", "--raw", "--tls-verify=false",
                    "docker://" + REGISTRY.host() + "/acme/interop:v1");
            assertThat(raw).isEqualTo(Blobs.manifest(layer, null, null, 0));

            skopeo("skopeo", "--insecure-policy", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                    "docker://" + REGISTRY.host() + "/acme/interop:v1", "docker://" + REGISTRY.host() + "/acme/copied:v1");
            Manifest copied = client.manifest("acme/copied", "v1");
            assertThat(copied.digest()).isEqualTo(digest);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            client.blob("acme/copied", Blobs.digest(layer), layer.length, out);
            assertThat(out.toByteArray()).isEqualTo(layer);
        }
    }
}

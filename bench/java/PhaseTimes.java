import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.artifact.ExtractionLimits;
import dev.pier.oci.artifact.IgnoreRules;
import dev.pier.oci.artifact.ReproducibleTarGz;
import dev.pier.oci.registry.RegistryClient;
import dev.pier.oci.registry.RegistryEndpoint;
import dev.pier.oci.artifact.SafeExtractor;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bench-only (not part of Pier): times the phases of a push and a pull inside one warm-ish JVM, with the
 * same Pier classes the CLI uses, to show where `pier artifact push|pull` spends its time.
 *
 * <pre>
 * PhaseTimes push HOST:PORT DIR SCRATCH        pack (ReproducibleTarGz to a file, sha256) | upload (putBlob)
 * PhaseTimes pull HOST:PORT REPO TAG SCRATCH   download (blob to a file) | extract (SafeExtractor from the file)
 * </pre>
 */
public final class PhaseTimes {
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        try (RegistryClient client = RegistryClient.builder(RegistryEndpoint.loopbackHttp(args[1])).build()) {
            if (args[0].equals("push")) {
                Path dir = Path.of(args[2]);
                Path layer = Path.of(args[3], "layer.tar.gz");
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long t0 = System.nanoTime();
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(layer), sha)) {
                    ReproducibleTarGz.write(dir, IgnoreRules.forDirectory(dir), out);
                }
                long t1 = System.nanoTime();
                Digest digest = new Digest("sha256", HexFormat.of().formatHex(sha.digest()));
                long size = Files.size(layer);
                try (InputStream in = Files.newInputStream(layer)) {
                    client.putBlob("bench/phases" + System.nanoTime(), digest, size, in);
                }
                long t2 = System.nanoTime();
                System.out.printf("push phases: pack %.3f s (layer %d bytes), upload %.3f s%n",
                        (t1 - t0) / 1e9, size, (t2 - t1) / 1e9);
            } else {
                String repo = args[2];
                Manifest manifest = client.manifest(repo, args[3]);
                String json = new String(manifest.bytes(), StandardCharsets.UTF_8);
                String layers = json.substring(json.indexOf("\"layers\""));
                Matcher d = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"").matcher(layers);
                Matcher z = Pattern.compile("\"size\"\\s*:\\s*(\\d+)").matcher(layers);
                if (!d.find() || !z.find()) {
                    throw new IllegalStateException("no layer in " + json);
                }
                Digest digest = Digest.parse(d.group(1));
                long size = Long.parseLong(z.group(1));
                Path blob = Path.of(args[4], "layer.tar.gz");
                long t0 = System.nanoTime();
                try (OutputStream out = Files.newOutputStream(blob)) {
                    client.blob(repo, digest, size, out);
                }
                long t1 = System.nanoTime();
                try (InputStream in = Files.newInputStream(blob)) {
                    SafeExtractor.extract(in, Path.of(args[4], "out"), ExtractionLimits.DEFAULTS,
                            Descriptor.of("application/vnd.cncf.flux.content.v1.tar+gzip", digest, size));
                }
                long t2 = System.nanoTime();
                System.out.printf("pull phases: download %.3f s (layer %d bytes), extract+verify %.3f s%n",
                        (t1 - t0) / 1e9, size, (t2 - t1) / 1e9);
            }
        }
        System.out.printf("in-JVM total %.3f s%n", (System.nanoTime() - start) / 1e9);
    }
}

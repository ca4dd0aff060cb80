package dev.pier.oci.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.oci.Descriptor;
import dev.pier.oci.layout.OciLayoutStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code helm package} (Helm 3, Go) sets a gzip FEXTRA field of 41 raw bytes that are not RFC 1952 subfields
 * (helm/helm#31844); strict readers such as commons-compress 1.28 refuse it. Pier must read such charts as Go,
 * gzip and the JDK do. The header here is byte for byte the one Helm writes; the interop tests run real Helm.
 */
class HelmGzipExtraFieldTest {

    static final byte[] HELM_EXTRA = "+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=".getBytes(StandardCharsets.US_ASCII);
    static final String CHART_YAML = "apiVersion: v2\nname: legacy\nversion: 1.2.3\n";

    @TempDir
    Path tmp;

    /** A gzip member with Helm's FEXTRA, wrapping a tar of {@code legacy/Chart.yaml}. */
    static byte[] helmStyleChart() throws IOException {
        ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
            Archives.file(tar, "legacy/Chart.yaml", CHART_YAML);
        }
        byte[] tar = tarBytes.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 0xff}); // FLG = FEXTRA, OS unknown
        out.write(HELM_EXTRA.length & 0xff);
        out.write(HELM_EXTRA.length >>> 8);
        out.write(HELM_EXTRA);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(new NonClosing(out), deflater)) {
            deflate.write(tar);
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(tar);
        for (long v : new long[] {crc.getValue(), tar.length}) {
            for (int i = 0; i < 4; i++) {
                out.write((int) (v >>> (8 * i)) & 0xff);
            }
        }
        return out.toByteArray();
    }

    @Test
    void a_chart_with_helms_gzip_extra_field_is_pushed_with_its_chart_yaml_as_config() throws Exception {
        Path chart = Files.write(tmp.resolve("legacy-1.2.3.tgz"), helmStyleChart());
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("store"));

        Descriptor pushed = ArtifactPusher.pushChart(store, "acme/charts/legacy", null, chart);

        assertThat(store.resolve("acme/charts/legacy", "1.2.3")).get()
                .extracting(Descriptor::digest).isEqualTo(pushed.digest());
        assertThat(pushed.annotations()).containsEntry(MediaTypes.TITLE, "legacy")
                .containsEntry(MediaTypes.VERSION, "1.2.3");
    }

    @Test
    void a_layer_with_helms_gzip_extra_field_is_extracted() throws Exception {
        SafeExtractor.Result result = SafeExtractor.extract(new ByteArrayInputStream(helmStyleChart()),
                tmp.resolve("out"), ExtractionLimits.DEFAULTS, null);

        assertThat(result.files()).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("out/legacy/Chart.yaml"))).isEqualTo(CHART_YAML);
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

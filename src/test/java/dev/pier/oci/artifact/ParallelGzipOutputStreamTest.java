package dev.pier.oci.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {

    static byte[] input(int size) {
        byte[] data = new byte[size];
        Random random = new Random(size);
        for (int i = 0; i < size; i++) {
            // half text-like (compressible), half noise, so blocks differ and the dictionary matters
            data[i] = (i / 4096) % 2 == 0 ? (byte) ("line of yaml: value\n".charAt(i % 20)) : (byte) random.nextInt();
        }
        return data;
    }

    static byte[] gzip(byte[] data, int threads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, threads)) {
            int i = 0;
            while (i < data.length) { // uneven writes, as tar produces them
                int n = Math.min(data.length - i, 1 + (i % 70_000));
                gz.write(data, i, n);
                i += n;
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, ParallelGzipOutputStream.BLOCK - 1, ParallelGzipOutputStream.BLOCK,
            3 * ParallelGzipOutputStream.BLOCK + 7})
    void what_is_written_gunzips_back_exactly(int size) throws IOException {
        byte[] data = input(size);

        byte[] gz = gzip(data, 2);

        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(gz).startsWith(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
    }

    @ParameterizedTest
    @ValueSource(ints = {ParallelGzipOutputStream.BLOCK * 5 + 123})
    void the_output_does_not_depend_on_the_thread_count(int size) throws IOException {
        byte[] data = input(size);

        assertThat(gzip(data, 1)).isEqualTo(gzip(data, 4)).isEqualTo(gzip(data, 2));
    }

    @ParameterizedTest
    @ValueSource(ints = {ParallelGzipOutputStream.BLOCK * 4})
    void compresses_about_as_well_as_one_stream(int size) throws IOException {
        byte[] data = input(size);
        ByteArrayOutputStream single = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(single)) {
            gz.write(data);
        }

        assertThat((double) gzip(data, 2).length).isLessThan(single.size() * 1.01);
    }
}

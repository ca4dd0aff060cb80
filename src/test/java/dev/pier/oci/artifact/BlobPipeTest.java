package dev.pier.oci.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BlobPipeTest {

    // Repeated: the reader may take the end marker and close before the writer's put returns (a race once seen).
    @org.junit.jupiter.api.RepeatedTest(50)
    void everything_the_writer_writes_reaches_the_reader_in_order() throws IOException {
        byte[] data = new byte[1_000_003];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }

        BlobPipe.Outcome<byte[]> outcome = BlobPipe.run("t", out -> {
            out.write(data, 0, 10);
            out.write(data[10]);
            out.write(data, 11, data.length - 11);
        }, InputStream::readAllBytes);

        assertThat(outcome.result()).isEqualTo(data);
        assertThat(outcome.writerFailure()).isNull();
    }

    @Test
    void a_writer_failure_reaches_the_reader_as_that_exception_not_as_end_of_stream() {
        IOException failure = new IOException("blob on disk is corrupt");

        assertThatThrownBy(() -> BlobPipe.run("t", out -> {
            out.write(new byte[200_000]);
            throw failure;
        }, InputStream::readAllBytes)).isSameAs(failure);
    }

    @Test
    void a_reader_that_stops_early_ends_the_writer_and_keeps_its_own_exception() {
        AtomicReference<IOException> writerSaw = new AtomicReference<>();

        assertThatThrownBy(() -> BlobPipe.run("t", out -> {
            try {
                while (true) {
                    out.write(new byte[64 * 1024]);
                }
            } catch (IOException e) {
                writerSaw.set(e);
                throw e;
            }
        }, in -> {
            in.readNBytes(100_000);
            throw new IOException("refused: a bomb");
        })).hasMessage("refused: a bomb");
        assertThat(writerSaw.get()).hasMessage("the reader stopped");
    }
}

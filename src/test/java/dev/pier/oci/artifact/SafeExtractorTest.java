package dev.pier.oci.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.OciException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeExtractorTest {

    @TempDir
    Path tmp;
    Path parent;
    Path target;

    @BeforeEach
    void parentWithOneFile() throws IOException {
        parent = Files.createDirectory(tmp.resolve("parent"));
        Files.writeString(parent.resolve("neighbour.txt"), "untouched");
        target = parent.resolve("out");
    }

    /** Extraction must be refused with {@code message}, leaving the parent (and above) exactly as it was. */
    void assertRefused(InputStream archive, ExtractionLimits limits, String message) throws IOException {
        Map<String, String> before = Trees.snapshot(tmp);

        assertThatThrownBy(() -> SafeExtractor.extract(archive, target, limits, null))
                .isInstanceOf(OciException.class)
                .hasMessageStartingWith("tried to extract an archive to " + target + " but ")
                .hasMessageContaining(message);

        assertThat(Trees.snapshot(tmp)).isEqualTo(before);
        assertThat(target).doesNotExist();
    }

    void assertRefused(byte[] archive, String message) throws IOException {
        assertRefused(new ByteArrayInputStream(archive), ExtractionLimits.DEFAULTS, message);
    }

    @Test
    void a_dot_dot_path_is_refused_as_path_traversal() throws IOException {
        assertRefused(Archives.tarGz(tar -> {
            Archives.file(tar, "ok.txt", "fine");
            Archives.file(tar, "../x", "escaped");
        }), "entry '../x' has a '..' path component (path traversal)");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void a_dot_dot_in_the_middle_of_a_path_is_refused() throws IOException {
        assertRefused(Archives.tarGz(tar -> Archives.file(tar, "a/../../x", "escaped")), "'..' path component");
    }

    @Test
    void an_absolute_path_is_refused() throws IOException {
        assertRefused(Archives.tarGz(tar -> Archives.file(tar, "/etc/x", "escaped")),
                "entry '/etc/x' has an absolute path");
    }

    @Test
    void a_symbolic_link_out_of_the_target_is_refused() throws IOException {
        assertRefused(Archives.tarGz(tar -> {
            Archives.special(tar, "evil", TarConstants.LF_SYMLINK, "../../etc");
            Archives.file(tar, "evil/passwd", "root::0:0");
        }), "entry 'evil' is a symbolic link to '../../etc'; links are not extracted");
    }

    @Test
    void a_hard_link_out_of_the_target_is_refused() throws IOException {
        assertRefused(Archives.tarGz(tar -> Archives.special(tar, "h", TarConstants.LF_LINK, "../neighbour.txt")),
                "entry 'h' is a hard link to '../neighbour.txt'; links are not extracted");
    }

    @Test
    void device_files_and_fifos_are_refused() throws IOException {
        assertRefused(Archives.tarGz(tar -> Archives.special(tar, "null", TarConstants.LF_CHR, null)),
                "entry 'null' is a device file");
        assertRefused(Archives.tarGz(tar -> Archives.special(tar, "disk", TarConstants.LF_BLK, null)),
                "entry 'disk' is a device file");
        assertRefused(Archives.tarGz(tar -> Archives.special(tar, "pipe", TarConstants.LF_FIFO, null)),
                "entry 'pipe' is a FIFO");
    }

    @Test
    void a_path_that_appears_twice_is_refused() throws IOException {
        assertRefused(Archives.tarGz(tar -> {
            Archives.file(tar, "a.yaml", "one");
            Archives.file(tar, "./a.yaml", "two");
        }), "entry './a.yaml' appears twice");
    }

    @Test
    void a_stream_that_is_not_gzip_is_refused() throws IOException {
        assertRefused("not an archive".getBytes(), "it is not a valid tar+gzip stream");
    }

    @Test
    void a_2_gib_file_of_zeros_is_refused_as_a_decompression_bomb() throws IOException {
        assertRefused(Archives.streamed(tar -> {
            TarArchiveEntry entry = new TarArchiveEntry("zeros.bin");
            long size = 2L * 1024 * 1024 * 1024;
            entry.setSize(size);
            tar.putArchiveEntry(entry);
            byte[] zeros = new byte[1024 * 1024];
            for (long written = 0; written < size; written += zeros.length) {
                tar.write(zeros);
            }
            tar.closeArchiveEntry();
        }), ExtractionLimits.DEFAULTS, "expands more than 100 times");
    }

    @Test
    void the_total_size_limit_holds_even_when_the_ratio_limit_is_lifted() throws IOException {
        ExtractionLimits limits = ExtractionLimits.DEFAULTS.withMaxCompressionRatio(Integer.MAX_VALUE)
                .withMaxTotalBytes(32L * 1024 * 1024);
        assertRefused(Archives.streamed(tar -> {
            TarArchiveEntry entry = new TarArchiveEntry("zeros.bin");
            long size = 2L * 1024 * 1024 * 1024;
            entry.setSize(size);
            tar.putArchiveEntry(entry);
            byte[] zeros = new byte[1024 * 1024];
            for (long written = 0; written < size; written += zeros.length) {
                tar.write(zeros);
            }
            tar.closeArchiveEntry();
        }), limits, "it uncompresses to more than 33554432 bytes");
    }

    @Test
    void one_hundred_thousand_tiny_files_are_refused() throws IOException {
        assertRefused(Archives.streamed(tar -> {
            for (int i = 0; i < 100_000; i++) {
                Archives.file(tar, "f" + i, "x");
            }
        }), ExtractionLimits.DEFAULTS, "the archive has more than 50000 entries");
    }

    @Test
    void the_limits_are_configurable() throws IOException {
        assertRefused(new ByteArrayInputStream(Archives.tarGz(tar -> {
            for (int i = 0; i < 11; i++) {
                Archives.file(tar, "f" + i, "x");
            }
        })), ExtractionLimits.DEFAULTS.withMaxEntries(10), "more than 10 entries");
    }

    @Test
    void a_target_that_exists_and_is_not_empty_is_refused() throws IOException {
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "keep");
        byte[] archive = Archives.tarGz(tar -> Archives.file(tar, "a", "a"));

        assertThatThrownBy(() -> SafeExtractor.extract(new ByteArrayInputStream(archive), target, ExtractionLimits.DEFAULTS, null))
                .isInstanceOf(OciException.class)
                .hasMessageEndingWith("but the target already exists and is not an empty directory");
        assertThat(target.resolve("keep")).hasContent("keep");
    }

    @Test
    void a_valid_archive_lands_in_the_target_with_fixed_modes_and_no_leftovers() throws IOException {
        byte[] archive = Archives.tarGz(tar -> {
            Archives.special(tar, "./", TarConstants.LF_DIR, null);
            Archives.special(tar, "dir/", TarConstants.LF_DIR, null);
            Archives.file(tar, "dir/a.yaml", "a: 1\n");
            TarArchiveEntry script = new TarArchiveEntry("run.sh");
            script.setMode(0100700);
            script.setSize(2);
            tar.putArchiveEntry(script);
            tar.write("hi".getBytes());
            tar.closeArchiveEntry();
            Archives.file(tar, "implicit/parent/b.txt", "b");
        });

        SafeExtractor.Result result = SafeExtractor.extract(new ByteArrayInputStream(archive), target,
                ExtractionLimits.DEFAULTS, null);

        assertThat(result.files()).isEqualTo(3);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rwxr-xr-x");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("run.sh"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("dir/a.yaml"))))
                .isEqualTo("rw-r--r--");
        assertThat(Trees.snapshot(target)).containsExactly(
                Map.entry("dir", "<dir>"), Map.entry("dir/a.yaml", "a: 1\n"), Map.entry("implicit", "<dir>"),
                Map.entry("implicit/parent", "<dir>"), Map.entry("implicit/parent/b.txt", "b"),
                Map.entry("run.sh", "hi <x>"));
        try (Stream<Path> siblings = Files.list(parent)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("neighbour.txt", "out");
        }
    }

    @Test
    void the_default_limits_accept_a_200_mb_tree_of_20000_files() throws IOException {
        int files = 20_000;
        int size = 10_000;
        // One pool of random hex text; each file is a slice at a random offset, so files differ. Stored
        // (level 0) deflate keeps the test fast: the point is the size and count limits, not compression.
        SplittableRandom random = new SplittableRandom(42);
        byte[] pool = new byte[4 * 1024 * 1024];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = (byte) "0123456789abcdef".charAt(random.nextInt(16));
        }
        SafeExtractor.Result result = SafeExtractor.extract(Archives.streamed(java.util.zip.Deflater.NO_COMPRESSION, tar -> {
            for (int i = 0; i < files; i++) {
                TarArchiveEntry entry = new TarArchiveEntry("d" + (i % 100) + "/f" + i + ".txt");
                entry.setSize(size);
                tar.putArchiveEntry(entry);
                tar.write(pool, random.nextInt(pool.length - size), size);
                tar.closeArchiveEntry();
            }
        }), target, ExtractionLimits.DEFAULTS, null);

        assertThat(result.files()).isEqualTo(files);
        assertThat(result.uncompressedBytes()).isGreaterThan(200_000_000L);
        assertThat(target.resolve("d7/f19907.txt")).hasSize(size);
    }
    @Test
    void a_file_and_a_directory_of_the_same_name_are_refused_either_way_round() throws IOException {
        assertRefused(Archives.tarGz(tar -> {
            Archives.file(tar, "a", "a file");
            Archives.file(tar, "a/b", "below a file");
        }), "conflicts with an earlier entry of another type");
        assertRefused(Archives.tarGz(tar -> {
            Archives.special(tar, "a/", TarConstants.LF_DIR, null);
            Archives.file(tar, "a", "a file over a directory");
        }), "entry 'a' appears twice");
    }

    @Test
    void a_layer_whose_digest_differs_is_refused_after_its_files_were_written_and_nothing_appears() throws Exception {
        byte[] archive = Archives.tarGz(tar -> {
            for (int i = 0; i < 500; i++) {
                Archives.file(tar, "d" + (i % 7) + "/f" + i + ".txt", "content " + i);
            }
        });
        Digest wrong = Digest.parse("sha256:" + "0".repeat(64));
        Map<String, String> before = Trees.snapshot(tmp);

        assertThatThrownBy(() -> SafeExtractor.extract(new ByteArrayInputStream(archive), target, ExtractionLimits.DEFAULTS,
                Descriptor.of(MediaTypes.FLUX_CONTENT, wrong, archive.length)))
                .isInstanceOf(OciException.class)
                .hasMessageContaining("the layer's digest is sha256:")
                .hasMessageEndingWith(", not " + wrong);
        assertThat(Trees.snapshot(tmp)).isEqualTo(before);
        assertThat(target).doesNotExist();
    }

    @Test
    void files_larger_than_a_writer_takes_are_written_whole_among_small_ones() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        byte[] large = new byte[FileWriters.MAX_HANDED_OVER * 3 + 17];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) random.nextInt(256);
        }
        byte[] archive = Archives.tarGz(tar -> {
            Archives.file(tar, "a/small-1.txt", "one");
            TarArchiveEntry entry = new TarArchiveEntry("a/large.bin");
            entry.setSize(large.length);
            tar.putArchiveEntry(entry);
            tar.write(large);
            tar.closeArchiveEntry();
            Archives.file(tar, "a/small-2.txt", "two");
            Archives.file(tar, "empty.txt", "");
        });

        SafeExtractor.Result result = SafeExtractor.extract(new ByteArrayInputStream(archive), target,
                ExtractionLimits.DEFAULTS, Descriptor.of(MediaTypes.FLUX_CONTENT, dev.pier.oci.layout.OciLayoutStore.sha256(archive), archive.length));

        assertThat(result.files()).isEqualTo(4);
        assertThat(Files.readAllBytes(target.resolve("a/large.bin"))).isEqualTo(large);
        assertThat(target.resolve("a/small-1.txt")).hasContent("one");
        assertThat(target.resolve("a/small-2.txt")).hasContent("two");
        assertThat(target.resolve("empty.txt")).isEmptyFile();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("a/large.bin"))))
                .isEqualTo("rw-r--r--");
    }
}

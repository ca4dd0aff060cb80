package dev.pier.oci.layout;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** skopeo as an interop peer: a test that needs it fails (never skips) when it is missing. */
public final class Skopeo {
    static final Path BINARY = Path.of(System.getProperty("pier.skopeo", "/usr/bin/skopeo"));

    public record Result(int exitCode, byte[] stdout, String stderr) {}

    private Skopeo() {}

    /** Runs skopeo with the arguments; fails the test on a non-zero exit, with skopeo's stderr. */
    public static byte[] run(String... args) throws IOException, InterruptedException {
        Result result = tryRun(args);
        if (result.exitCode() != 0) {
            fail("skopeo " + String.join(" ", args) + " exited " + result.exitCode() + ": " + result.stderr());
        }
        return result.stdout();
    }

    public static Result tryRun(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            fail("this interop test needs skopeo at " + BINARY + " (install skopeo 1.9 or newer,"
                    + " or point -Dpier.skopeo at it); it is not skipped on purpose");
        }
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("skopeo", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = process.getInputStream()) {
                in.transferTo(out);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("skopeo " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(process.exitValue(), out.toByteArray(), Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}

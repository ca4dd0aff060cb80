package dev.pier.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers that talk to the OS directly, independently of the code under test. */
final class Os {

    private Os() {}

    /** Writes an executable bash script. */
    static Path script(Path dir, String name, String body) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, "#!/usr/bin/env bash\nset -u\n" + body + "\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kill -0 -- -pgid} through the kill binary: true when the group still has a member. */
    static boolean groupExists(long pgid) {
        return kill("-0", "-" + pgid);
    }

    static boolean processExists(long pid) {
        return kill("-0", Long.toString(pid));
    }

    private static boolean kill(String signal, String target) {
        try {
            Process p = new ProcessBuilder("kill", signal, "--", target)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("kill did not return");
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A bash line that appends this invocation's argv, tab-separated, as one line of {@code file}. */
    static String recordArgv(Path file) {
        return "printf '%s\\t' \"$@\" >> '" + file + "'; echo >> '" + file + "'\n";
    }

    /** The invocations {@link #recordArgv} recorded, oldest first; none when the file does not exist. */
    static List<List<String>> recordedArgv(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Arrays.stream(read(file).split("\n")).map(l -> Arrays.asList(l.split("\t"))).toList();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pid written by a script, once the file is complete. */
    static long pidIn(Path file) {
        return Long.parseLong(read(file).strip());
    }
}

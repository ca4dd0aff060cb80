package dev.pier.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged {@code pier.jar} as a real process, the way CI and operators run it: its own JVM,
 * its own environment, real signals.
 */
final class PierProcess {

    static final Path JAR = Path.of(System.getProperty("pier.jar", "target/pier.jar"));
    static final Path ROOT = Path.of(System.getProperty("pier.root", "."));

    final Process process;
    private final Output stdout;
    private final Output stderr;

    private PierProcess(Process process) {
        this.process = process;
        this.stdout = new Output(process.getInputStream(), "pier-it-stdout-" + process.pid());
        this.stderr = new Output(process.getErrorStream(), "pier-it-stderr-" + process.pid());
    }

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    static PierProcess start(Map<String, String> env, Path cwd, String... args) {
        return start(List.of(), env, cwd, args);
    }

    /**
     * Starts pier with SIGINT and SIGTERM at their default dispositions, as a foreground command in a
     * terminal or a CI job step has them. A process started from a shell without job control inherits
     * SIGINT ignored, and the JVM (rightly) then installs no handler for it; a test of what Pier does on
     * SIGINT must not depend on how the build itself was started. GNU env execs in place: same pid.
     */
    static PierProcess startWithDefaultSignals(Map<String, String> env, Path cwd, String... args) {
        return start(List.of("/usr/bin/env", "--default-signal=INT,TERM"), env, cwd, args);
    }

    private static PierProcess start(List<String> prefix, Map<String, String> env, Path cwd, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(javaBin(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(ClassArchive.options());
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().putAll(env);
        try {
            return new PierProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result run(Map<String, String> env, Path cwd, String... args) {
        return start(env, cwd, args).await(Duration.ofMinutes(2));
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What pier has written to stderr so far: for messages of failed waits. */
    String stderrSoFar() {
        return stderr.soFar();
    }

    Result await(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("pier did not exit within " + limit + "; stderr so far:\n"
                        + stderr.soFar());
            }
            return new Result(process.exitValue(), stdout.all(), stderr.all());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * SIGTERM, as a CI runner sends when a job is cancelled. Sent with the kill binary, not
     * {@link Process#destroy()}: that also closes the pipes, and pier's last words would be lost.
     */
    void terminate() {
        Procs.signal(process.pid(), "TERM");
    }

    /** SIGINT, as Ctrl-C in a terminal sends. */
    void interrupt() {
        Procs.signal(process.pid(), "INT");
    }

    /** SIGKILL: a crash. */
    void kill() {
        process.destroyForcibly();
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * One stream read to its end on its own thread. Not the common pool: several pier processes run at
     * once in some tests, and a blocked read must never wait for a pool thread.
     */
    private static final class Output {
        private final StringBuffer text = new StringBuffer();
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Output(InputStream in, String name) {
            Thread t = new Thread(() -> {
                try (in) {
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    text.append("(read failed: ").append(e).append(')');
                } finally {
                    done.complete(null);
                }
            }, name);
            t.setDaemon(true);
            t.start();
        }

        String soFar() {
            return text.toString();
        }

        String all() {
            try {
                done.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("output of pier still open 10s after it exited", e);
            }
            return text.toString();
        }
    }

    /**
     * A CDS archive of the classes pier loads, made once per jar and JDK: it halves the start-up time of
     * each of the many short pier processes the ITs run. Off with {@code -Dpier.it.cds=false}; when it
     * cannot be made, pier runs without it.
     */
    private static final class ClassArchive {
        private static List<String> options;

        static synchronized List<String> options() {
            if (options == null) {
                options = create();
            }
            return options;
        }

        private static List<String> create() {
            if (!Boolean.parseBoolean(System.getProperty("pier.it.cds", "true")) || !Files.isRegularFile(JAR)) {
                return List.of();
            }
            Path archive = JAR.toAbsolutePath().resolveSibling("pier-it-" + Runtime.version().feature() + "-"
                    + Integer.toHexString(System.getProperty("java.home").hashCode()) + ".jsa");
            // Never print a CDS warning: it would land in stdout and break `-o json`.
            List<String> use = List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off", "-Xlog:class+path=off");
            try {
                if (Files.isRegularFile(archive)
                        && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(JAR)) > 0) {
                    return use;
                }
                Path scratch = Files.createTempDirectory(archive.getParent(), "pier-it-cds");
                try {
                    return train(scratch, archive) ? use : List.of();
                } finally {
                    try (var paths = Files.walk(scratch)) {
                        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            } catch (IOException e) {
                return List.of();
            }
        }

        private static boolean train(Path scratch, Path archive) throws IOException {
            Path tmp = scratch.resolve("pier.jsa");
            try {
                // An invalid signal against the example config loads the store, config, schema and validation.
                ProcessBuilder pb = new ProcessBuilder(javaBin(), "--enable-native-access=ALL-UNNAMED",
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + tmp,
                        "-Xlog:cds*=off", "-jar", JAR.toString(), "deploy", "--config",
                        ROOT.resolve("examples/pytoya/pier.yaml").toString(), "--app", "pytoya",
                        "--chart", "oci://ghcr.io/acme/charts/pytoya", "--chart-version", "0.1.0",
                        "--images", "{\"api\":\"ghcr.io/acme/pytoya/api:1\"}")
                        .directory(scratch.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("PIER_HOME", scratch.resolve("home").toString());
                Process p = pb.start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                if (!Files.isRegularFile(tmp)) {
                    return false;
                }
                Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}

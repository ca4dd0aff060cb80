package dev.pier.ssh;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenSSH server (Debian's {@code openssh-server}) for the tests: a separate {@code /usr/sbin/sshd -D -e}
 * with its own config, host key (made by ssh-keygen), authorized_keys file and pid file, on a free loopback port,
 * logging in only the test user {@value #USER} (created with useradd when missing: the tests run as root, as the
 * rest of the suite's peers do). Its {@code SetEnv PATH} puts a {@code docker} written by the test first: see
 * {@code fake-docker.sh}. Started before the class's tests, stopped (with every session it forked) after them.
 *
 * <p>Real: SSH (key exchange, host keys, public-key auth), SFTP ({@code sftp-server}), file modes, the remote
 * shell, processes and signals, dropped connections. Not real: Docker — no engine runs here; the fake records what
 * it was asked and answers as {@code docker compose} does. The server shares the test's network namespace
 * (loopback), not a separate test host.
 */
public final class SshdServer implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    public static final String USER = "pier-test";
    public static final String HOST = "127.0.0.1";
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private Path dir;
    private Process process;
    private int port;

    public int port() {
        return port;
    }

    /** The fake docker's control and record directory. */
    public Path state() {
        return dir.resolve("state");
    }

    /** A directory the test user owns, for remote_dir values. */
    public Path remoteRoot() {
        return dir.resolve("remote");
    }

    public Path authorizedKeys() {
        return dir.resolve("authorized_keys");
    }

    /** The known_hosts line of the server's current host key. */
    public String knownHostsLine() {
        String pub = read(dir.resolve("etc/host_key.pub")).strip();
        String[] parts = pub.split(" ");
        return "[" + HOST + "]:" + port + " " + parts[0] + " " + parts[1];
    }

    /** Replaces authorized_keys with these public key lines. */
    public void authorize(String... lines) {
        write(authorizedKeys(), String.join("\n", lines) + "\n");
    }

    /** What the fake does for a compose verb: ok, fail, hang, drop, drop-locked. */
    public void behave(String verb, String behaviour) {
        write(state().resolve("behave-" + verb), behaviour);
    }

    /** What {@code compose ps --format json} prints. */
    public void psOutput(String text) {
        write(state().resolve("ps-output"), text);
    }

    /** Lets a hanging fake end. */
    public void release() {
        write(state().resolve("release"), "");
    }

    /** Every recorded invocation, oldest first: file name (seq-verb) → its lines. */
    public List<FakeCall> calls() {
        Path calls = state().resolve("calls");
        try (Stream<Path> files = Files.list(calls)) {
            return files.filter(p -> !p.getFileName().toString().endsWith(".tmp")).sorted()
                    .map(p -> new FakeCall(p.getFileName().toString().substring(4), readLines(p))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new host key: the server presents a changed key from the next connection on. */
    public void changeHostKey() throws Exception {
        stop();
        Files.delete(dir.resolve("etc/host_key"));
        Files.delete(dir.resolve("etc/host_key.pub"));
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("etc/host_key").toString());
        start();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: install Debian's openssh-server"
                    + " (scripts/install-test-deps does)");
        }
        ensureUser();
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege-separation directory
        dir = Files.createTempDirectory("pier-sshd");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwx------"));
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", etc.resolve("host_key").toString());
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String fake;
        try (InputStream in = SshdServer.class.getResourceAsStream("fake-docker.sh")) {
            fake = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path docker = bin.resolve("docker");
        Files.writeString(docker, fake.replace("@STATE@", state().toString())
                .replace("@AUTHORIZED_KEYS@", authorizedKeys().toString()));
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        resetState();
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        resetState();
    }

    private void resetState() throws Exception {
        for (String d : List.of("state", "remote")) {
            Path p = dir.resolve(d);
            if (Files.exists(p)) {
                try (Stream<Path> all = Files.walk(p)) {
                    all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            Files.createDirectories(p);
        }
        Files.createDirectories(state().resolve("calls"));
        write(authorizedKeys(), "");
        psOutput("");
        run("chown", "-R", USER + ":", state().toString(), remoteRoot().toString(), authorizedKeys().toString());
    }

    private void start() throws Exception {
        IllegalStateException last = null;
        for (int tries = 0; tries < 3; tries++) {
            if (port == 0 || tries > 0) {
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
            }
            Path config = dir.resolve("etc/sshd_config");
            Files.writeString(config, """
                    Port %d
                    ListenAddress %s
                    HostKey %s
                    PidFile %s
                    AuthorizedKeysFile %s
                    StrictModes no
                    UsePAM no
                    PasswordAuthentication no
                    KbdInteractiveAuthentication no
                    PubkeyAuthentication yes
                    PermitRootLogin no
                    AllowUsers %s
                    SetEnv PATH=%s:/usr/bin:/bin
                    Subsystem sftp /usr/lib/openssh/sftp-server
                    LogLevel VERBOSE
                    """.formatted(port, HOST, dir.resolve("etc/host_key"), dir.resolve("etc/sshd.pid"),
                    authorizedKeys(), USER, dir.resolve("bin")));
            Path log = dir.resolve("etc/sshd.log");
            process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> !process.isAlive()
                        || read(log).contains("Server listening on " + HOST + " port " + port));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                process.destroyForcibly();
                throw new IllegalStateException("sshd did not start listening within 20s:\n" + read(log), e);
            }
            if (process.isAlive()) {
                return;
            }
            last = new IllegalStateException("sshd exited at start:\n" + read(log));
        }
        throw last;
    }

    private void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroy();
        children.forEach(ProcessHandle::destroyForcibly);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    /** The sshd log, for assertion messages. */
    public String log() {
        return read(dir.resolve("etc/sshd.log"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        release();
        stop();
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** One invocation of the fake docker: its verb (pull, up, ps, …) and recorded lines. */
    public record FakeCall(String verb, List<String> lines) {
        public List<String> args() {
            return lines.stream().filter(l -> l.startsWith("arg ")).map(l -> l.substring(4)).toList();
        }

        /** {@code file <mode> <sha256> <path>} lines. */
        public List<String> files() {
            return lines.stream().filter(l -> l.startsWith("file ")).map(l -> l.substring(5)).toList();
        }
    }

    private static void ensureUser() throws Exception {
        if (new ProcessBuilder("id", "-u", USER).start().waitFor() == 0) {
            return;
        }
        run("useradd", "--system", "--create-home", "--shell", "/bin/bash", USER);
        run("usermod", "-p", "*", USER); // not locked: sshd without PAM refuses locked accounts, keys included
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String content) {
        try {
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

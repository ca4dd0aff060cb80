package dev.pier.oci.registry;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real CNCF distribution registry (Debian package {@code docker-registry}) on a free loopback port,
 * storage and config in a temporary directory, optionally behind htpasswd basic auth. Started before the
 * class's tests, stopped and deleted after them.
 */
public final class RegistryServer implements BeforeAllCallback, AfterAllCallback {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final String user;
    private final String password;
    private Path dir;
    private Process process;
    private int port;

    private RegistryServer(String user, String password) {
        this.user = user;
        this.password = password;
    }

    public static RegistryServer anonymous() {
        return new RegistryServer(null, null);
    }

    public static RegistryServer withBasicAuth(String user, String password) {
        return new RegistryServer(user, password);
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    URI base() {
        return URI.create("http://" + host());
    }

    Path directory() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install the Debian package 'docker-registry'"
                    + " (CNCF distribution) to run the registry client tests");
        }
        dir = Files.createTempDirectory("pier-registry-test");
        String auth = "";
        if (user != null) {
            Path htpasswd = dir.resolve("htpasswd");
            Process p = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("htpasswd (package apache2-utils) failed");
            }
            Files.write(htpasswd, out);
            auth = "auth:\n  htpasswd:\n    realm: pier-test\n    path: " + htpasswd + "\n";
        }
        IllegalStateException last = null;
        for (int tries = 0; tries < 3; tries++) {
            port = freePort();
            Path config = dir.resolve("config.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: error
                      accesslog:
                        disabled: true
                    storage:
                      filesystem:
                        rootdirectory: %s
                      delete:
                        enabled: true
                    http:
                      addr: 127.0.0.1:%d
                      secret: pier-test-secret
                    %s""".formatted(dir.resolve("data"), port, auth), StandardCharsets.UTF_8);
            process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
            try {
                awaitReady();
                return;
            } catch (RuntimeException e) {
                last = new IllegalStateException("docker-registry did not answer /v2/ on " + host() + ": "
                        + Files.readString(dir.resolve("registry.log")), e);
                stop();
            }
        }
        throw last;
    }

    private void awaitReady() {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest ping = HttpRequest.newBuilder(URI.create(base() + "/v2/")).timeout(Duration.ofSeconds(2)).build();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(25)).ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("docker-registry exited with " + process.exitValue());
                        }
                        int status = client.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode();
                        return status == 200 || status == 401;
                    });
        }
    }

    private void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

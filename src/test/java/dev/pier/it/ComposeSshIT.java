package dev.pier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.ssh.SshdServer;
import dev.pier.ssh.SshdServer.FakeCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged pier deploys {@code examples/compose} (app + Redis, seed 003) over real SSH to a real OpenSSH server
 * ({@link SshdServer}), then runs the rollback drill. Real: the pier process, SSH, SFTP, modes, the key made by
 * {@code pier keys generate}; fake: docker (it records what it ran and the files it saw, by hash).
 */
class ComposeSshIT {

    @RegisterExtension
    static final SshdServer SSHD = new SshdServer();
    static final String SECRET = "rEd1s-Pa55word-8c1e7f";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Node node;
    private final List<String> output = new ArrayList<>();

    @BeforeEach
    void node() throws Exception {
        node = new Node(dir);
        PierProcess.Result key = pier(Map.of(), "keys", "generate", "quantum-production");
        assertThat(key.exitCode()).as(key.toString()).isZero();
        SSHD.authorize(key.stdout().strip());
        SSHD.psOutput("""
                [{"Name":"quantum-app-1","Service":"app","State":"running","Health":"","ExitCode":0},\
                {"Name":"quantum-redis-1","Service":"redis","State":"running","Health":"healthy","ExitCode":0}]
                """);
        writeConfig(SSHD.knownHostsLine());
    }

    /** examples/compose/pier.yaml and its template, aimed at the test server. */
    private void writeConfig(String knownHosts) throws Exception {
        Path example = PierProcess.ROOT.resolve("examples/compose");
        ObjectNode cfg = (ObjectNode) YAML.readTree(example.resolve("pier.yaml").toFile());
        ObjectNode d = (ObjectNode) cfg.at("/apps/quantum/environments/production/deployer");
        d.put("host", SshdServer.HOST).put("port", SSHD.port()).put("user", SshdServer.USER)
                .put("remote_dir", remote().toString());
        ((ArrayNode) d.putArray("known_hosts")).add(knownHosts);
        YAML.writeValue(dir.resolve("pier.yaml").toFile(), cfg);
        Files.copy(example.resolve("compose.yaml.mustache"), dir.resolve("compose.yaml.mustache"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private Path remote() {
        return SSHD.remoteRoot().resolve("quantum");
    }

    private PierProcess.Result pier(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new java.util.HashMap<>(node.env());
        env.putAll(extraEnv);
        PierProcess.Result r = PierProcess.run(env, dir, args);
        output.add(r.stdout());
        output.add(r.stderr());
        return r;
    }

    private PierProcess.Result deploy(String appHex) {
        return pier(Map.of("REDIS_PASSWORD", SECRET), deployArgs(appHex));
    }

    private static String[] deployArgs(String appHex) {
        String images = "{\"app\":\"ghcr.io/acme/quantum/app@sha256:" + appHex.repeat(64) + "\","
                + "\"redis\":\"docker.io/library/redis@sha256:" + "e".repeat(64) + "\"}";
        return new String[] {"deploy", "--app", "quantum", "--images", images, "-o", "json"};
    }

    private static String runId(PierProcess.Result r) throws Exception {
        return JSON.readTree(r.stdout()).path("id").asText();
    }

    @Test
    void deploys_the_example_over_ssh_and_the_rollback_drill_restores_the_previous_compose() throws Exception {
        Path keyFile = node.home.resolve("keys/quantum-production");
        String pub = Files.readString(node.home.resolve("keys/quantum-production.pub")).split(" ")[1];
        Process keygen = new ProcessBuilder("ssh-keygen", "-y", "-f", keyFile.toString()).start();
        assertThat(new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains(pub);
        assertThat(keygen.waitFor()).isZero();

        PierProcess.Result first = deploy("1");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        String run1 = runId(first);
        Path release1 = remote().resolve("releases").resolve(run1);
        FakeCall up = lastCall("up");
        String envHash = sha256("# written by pier; removed when the deploy ends\nREDIS_PASSWORD='" + SECRET + "'\n");
        assertThat(up.files()).contains("600 " + envHash + " " + release1.resolve("secrets.env"));
        assertThat(release1.resolve("secrets.env")).doesNotExist();
        String compose1 = Files.readString(release1.resolve("compose.yaml"));
        assertThat(compose1.lines().filter(l -> l.strip().startsWith("image:")).toList())
                .containsExactly("    image: ghcr.io/acme/quantum/app@sha256:" + "1".repeat(64),
                        "    image: docker.io/library/redis@sha256:" + "e".repeat(64));

        PierProcess.Result second = deploy("2");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        String run2 = runId(second);
        assertThat(Files.readSymbolicLink(remote().resolve("current"))).isEqualTo(Path.of("releases", run2));

        PierProcess.Result plan = pier(Map.of(), "rollback", "--app", "quantum", "--dry-run");
        assertThat(plan.stdout()).contains("would roll back from release " + run2 + " to " + run1);
        PierProcess.Result rollback = pier(Map.of("REDIS_PASSWORD", SECRET), "rollback", "--app", "quantum", "-o",
                "json");
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(rollback.stderr()).contains("rolled back from " + run2 + " to release " + run1);
        assertThat(lastCall("up").args()).contains(release1.resolve("compose.yaml").toString());
        assertThat(release1.resolve("compose.yaml")).hasContent(compose1);
        assertThat(Files.readSymbolicLink(remote().resolve("current"))).isEqualTo(Path.of("releases", run1));
        assertThat(remote().resolve("history")).hasContent(run1);
        assertThat(Files.list(remote().resolve("releases")).flatMap(this::files).toList())
                .noneMatch(p -> p.getFileName().toString().equals("secrets.env"));

        String shown = pier(Map.of(), "run", runId(rollback), "-o", "json").stdout();
        JsonNode run = JSON.readTree(shown);
        assertThat(run.path("status").asText()).isEqualTo("succeeded");
        assertThat(run.path("steps").findValuesAsText("name")).containsExactly("connect", "pull", "up", "ps");
        assertNoSecretAnywhere();
    }

    @Test
    void a_changed_host_key_is_refused_and_nothing_runs() throws Exception {
        SSHD.changeHostKey();
        PierProcess.Result r = deploy("3");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("host key mismatch", "the server presented ED25519 SHA256:",
                "nothing was run");
        assertThat(SSHD.calls()).isEmpty();
        writeConfig(SSHD.knownHostsLine());
        assertNoSecretAnywhere();
    }

    @Test
    void sigterm_while_compose_up_runs_cancels_the_run_and_removes_the_0600_env_file() throws Exception {
        SSHD.behave("up", "hang");
        Map<String, String> env = new java.util.HashMap<>(node.env());
        env.put("REDIS_PASSWORD", SECRET);
        PierProcess pier = PierProcess.startWithDefaultSignals(env, dir, deployArgs("4"));
        await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(SSHD.state().resolve("up.started")));
        Path envFile;
        try (Stream<Path> all = Files.walk(remote())) {
            envFile = all.filter(p -> p.getFileName().toString().equals("secrets.env")).findFirst().orElseThrow();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-------");

        pier.terminate();
        PierProcess.Result r = pier.await(Duration.ofMinutes(1));
        output.add(r.stdout());
        output.add(r.stderr());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
        assertThat(r.stderr()).contains("removed the env file and the release directory");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(SSHD.state().resolve("up.terminated")));
        assertThat(envFile).doesNotExist();
        assertThat(envFile.getParent()).doesNotExist();
        assertNoSecretAnywhere();
    }

    private FakeCall lastCall(String verb) {
        return SSHD.calls().stream().filter(c -> c.verb().equals(verb)).reduce((a, b) -> b).orElseThrow();
    }

    private Stream<Path> files(Path p) {
        try {
            return Files.walk(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Not in any output, not in a byte of $PIER_HOME (the SQLite database and its WAL included), not on the server. */
    private void assertNoSecretAnywhere() throws Exception {
        assertThat(String.join("\n", output)).doesNotContain(SECRET);
        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        List<Path> scanned = new ArrayList<>();
        for (Path root : List.of(node.home, SSHD.remoteRoot(), SSHD.state())) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path f : all.filter(Files::isRegularFile).toList()) {
                    scanned.add(f);
                    assertThat(indexOf(Files.readAllBytes(f), needle)).as("secret in " + f).isEqualTo(-1);
                }
            }
        }
        assertThat(scanned).anyMatch(p -> p.getFileName().toString().startsWith("pier.db"));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}

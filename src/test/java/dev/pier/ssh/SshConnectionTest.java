package dev.pier.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pier.ssh.SshConnection.ExecResult.Ending;
import dev.pier.ssh.SshConnection.SshFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link SshConnection} against a real OpenSSH server: host key pinning, TOFU, key refusal, exec ends. */
class SshConnectionTest {

    @RegisterExtension
    static final SshdServer SSHD = new SshdServer();

    @TempDir
    Path home;

    private DeployKeys keys;
    private List<KeyPair> identities;

    @BeforeEach
    void key() throws Exception {
        keys = DeployKeys.under(home);
        DeployKeys.KeyInfo info = keys.generate("deploy");
        SSHD.authorize(AuthorizedKeysLine.of(info.publicLine(), AuthorizedKeysLine.Options.MODERN, null));
        identities = keys.identities("deploy");
    }

    private SshConnection.Endpoint endpoint() {
        return new SshConnection.Endpoint(SshdServer.HOST, SSHD.port(), SshdServer.USER);
    }

    private HostKeyVerifier pinned() {
        return new HostKeyVerifier(SshdServer.HOST, SSHD.port(), KnownHosts.parseAll(List.of(SSHD.knownHostsLine())),
                null);
    }

    @Test
    void runs_a_command_with_the_pinned_host_key_and_streams_its_output() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (SshConnection c = SshConnection.open(endpoint(), identities, pinned(), Duration.ofSeconds(20))) {
            var r = c.exec(List.of("sh", "-c", "echo out; echo 'it''s err' >&2; exit 3"),
                    (s, t) -> lines.add(s + ":" + t), Duration.ofSeconds(20));
            assertThat(r.ending()).isEqualTo(Ending.EXITED);
            assertThat(r.exitStatus()).isEqualTo(3);
        }
        assertThat(lines).containsExactlyInAnyOrder("stdout:out", "stderr:its err");
    }

    @Test
    void an_unknown_host_key_is_refused_with_its_fingerprint_when_trust_on_first_use_is_off() {
        HostKeyVerifier none = new HostKeyVerifier(SshdServer.HOST, SSHD.port(), List.of(), null);
        assertThatThrownBy(() -> SshConnection.open(endpoint(), identities, none, Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(SshFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(SshFailure.Kind.HOST_KEY_REFUSED);
                    assertThat(e.getMessage()).contains("unknown host key", "ED25519 SHA256:",
                            "[127.0.0.1]:" + SSHD.port());
                });
    }

    @Test
    void trust_on_first_use_records_the_key_then_refuses_a_changed_one() throws Exception {
        Path tofu = home.resolve("known_hosts");
        HostKeyVerifier first = new HostKeyVerifier(SshdServer.HOST, SSHD.port(), List.of(), tofu);
        try (SshConnection c = SshConnection.open(endpoint(), identities, first, Duration.ofSeconds(20))) {
            assertThat(c.isOpen()).isTrue();
        }
        assertThat(first.warning()).contains("trust_on_first_use", "recorded it in " + tofu);
        assertThat(Files.readString(tofu).strip()).isEqualTo(SSHD.knownHostsLine());
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tofu))).isEqualTo("rw-------");

        HostKeyVerifier second = new HostKeyVerifier(SshdServer.HOST, SSHD.port(), List.of(), tofu);
        try (SshConnection c = SshConnection.open(endpoint(), identities, second, Duration.ofSeconds(20))) {
            assertThat(second.warning()).isNull();
        }

        String before = SSHD.knownHostsLine();
        SSHD.changeHostKey();
        assertThat(SSHD.knownHostsLine()).isNotEqualTo(before);
        HostKeyVerifier third = new HostKeyVerifier(SshdServer.HOST, SSHD.port(), List.of(), tofu);
        assertThatThrownBy(() -> SshConnection.open(endpoint(), identities, third, Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(SshFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(SshFailure.Kind.HOST_KEY_REFUSED);
                    assertThat(e.getMessage()).contains("host key mismatch", "recorded on first use");
                });
    }

    @Test
    void a_key_the_server_does_not_list_is_refused() throws Exception {
        SSHD.authorize("");
        assertThatThrownBy(() -> SshConnection.open(endpoint(), identities, pinned(), Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(SshFailure.class,
                        e -> assertThat(e.kind()).isEqualTo(SshFailure.Kind.AUTH_REFUSED));
    }

    @Test
    void a_command_past_its_deadline_is_ended_on_the_server_too() throws Exception {
        Path marker = SSHD.remoteRoot().resolve("term");
        try (SshConnection c = SshConnection.open(endpoint(), identities, pinned(), Duration.ofSeconds(20))) {
            var r = c.exec(List.of("sh", "-c", "trap 'touch " + marker + "; exit 143' TERM; while :; do sleep 0.1; done"),
                    (s, t) -> { }, Duration.ofSeconds(2));
            assertThat(r.ending()).isEqualTo(Ending.TIMED_OUT);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker));
            var next = c.exec(List.of("true"), (s, t) -> { }, Duration.ofSeconds(20));
            assertThat(next.succeeded()).isTrue();
        }
    }

    @Test
    void abort_closes_the_running_command() throws Exception {
        Path started = SSHD.remoteRoot().resolve("started");
        try (SshConnection c = SshConnection.open(endpoint(), identities, pinned(), Duration.ofSeconds(20))) {
            Thread.ofVirtual().start(() -> {
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started));
                c.abort();
            });
            var r = c.exec(List.of("sh", "-c", "touch " + started + "; while :; do sleep 0.1; done"), (s, t) -> { },
                    Duration.ofSeconds(60));
            assertThat(r.ending()).isEqualTo(Ending.ABORTED);
        }
    }
}

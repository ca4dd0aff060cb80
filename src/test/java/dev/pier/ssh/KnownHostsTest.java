package dev.pier.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts matching: ports, hashed hosts (made by ssh-keygen -H), @revoked, and what a mismatch says. */
class KnownHostsTest {

    @TempDir
    Path dir;

    private PublicKey key() {
        return SshKeys.generateEd25519().getPublic();
    }

    @Test
    void a_pinned_key_matches_only_its_host_and_port() {
        PublicKey k = key();
        List<KnownHosts.Entry> e = KnownHosts.parseAll(List.of(KnownHosts.line("deploy.example", 2222, k)));
        assertThat(KnownHosts.line("deploy.example", 2222, k)).startsWith("[deploy.example]:2222 ssh-ed25519 ");
        assertThat(KnownHosts.check(e, "deploy.example", 2222, k)).isInstanceOf(KnownHosts.Verdict.Pinned.class);
        assertThat(KnownHosts.check(e, "deploy.example", 22, k)).isInstanceOf(KnownHosts.Verdict.Unknown.class);
        assertThat(KnownHosts.check(e, "other.example", 2222, k)).isInstanceOf(KnownHosts.Verdict.Unknown.class);
    }

    @Test
    void a_different_key_is_refused_with_both_fingerprints() {
        PublicKey pinned = key();
        PublicKey presented = key();
        List<KnownHosts.Entry> e = KnownHosts.parseAll(List.of(KnownHosts.line("deploy.example", 22, pinned)));
        assertThat(KnownHosts.check(e, "deploy.example", 22, presented))
                .isInstanceOfSatisfying(KnownHosts.Verdict.Refused.class, r -> assertThat(r.message())
                        .contains("host key mismatch for deploy.example", "presented ED25519 " + SshKeys.fingerprint(presented),
                                "known_hosts pins ED25519 " + SshKeys.fingerprint(pinned), "nothing was run"));
    }

    @Test
    void hashed_hosts_written_by_ssh_keygen_match() throws Exception {
        PublicKey k = key();
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, KnownHosts.line("deploy.example", 2222, k) + "\n");
        Process p = new ProcessBuilder("ssh-keygen", "-H", "-f", file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        String hashed = Files.readString(file).strip();
        assertThat(hashed).startsWith("|1|");
        List<KnownHosts.Entry> e = KnownHosts.parseAll(List.of(hashed));
        assertThat(KnownHosts.check(e, "deploy.example", 2222, k)).isInstanceOf(KnownHosts.Verdict.Pinned.class);
        assertThat(KnownHosts.namesHost(e, "deploy.example", 2222)).isTrue();
        assertThat(KnownHosts.namesHost(e, "deploy.example", 22)).isFalse();
    }

    @Test
    void a_revoked_key_is_refused_even_beside_a_pin() {
        PublicKey k = key();
        String line = KnownHosts.line("deploy.example", 22, k);
        List<KnownHosts.Entry> e = KnownHosts.parseAll(List.of(line, "@revoked " + line));
        assertThat(KnownHosts.check(e, "deploy.example", 22, k))
                .isInstanceOfSatisfying(KnownHosts.Verdict.Refused.class,
                        r -> assertThat(r.message()).contains("is revoked"));
    }

    @Test
    void lines_that_are_not_known_hosts_entries_are_refused_clearly() {
        assertThatThrownBy(() -> KnownHosts.parse("deploy.example")).hasMessageContaining("not a known_hosts line");
        assertThatThrownBy(() -> KnownHosts.parse("deploy.example ssh-ed25519 !!!")).hasMessageContaining(
                "not a known_hosts line");
        assertThatThrownBy(() -> KnownHosts.parse("@cert-authority *.example " + SshKeys.publicKeyLine(key(), null)))
                .hasMessageContaining("@cert-authority marker is not supported");
    }
}

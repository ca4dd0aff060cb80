package dev.pier.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploy keys on disk, checked with OpenSSH's own ssh-keygen. */
class DeployKeysTest {

    @TempDir
    Path home;

    @Test
    void generates_an_ed25519_openssh_key_that_ssh_keygen_reads_with_private_modes() throws Exception {
        DeployKeys keys = DeployKeys.under(home);
        DeployKeys.KeyInfo k = keys.generate("quantum");

        Path priv = home.resolve("keys/quantum");
        assertThat(mode(home.resolve("keys"))).isEqualTo("rwx------");
        assertThat(mode(priv)).isEqualTo("rw-------");
        assertThat(mode(home.resolve("keys/quantum.pub"))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(priv)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(k.publicLine()).startsWith("ssh-ed25519 AAAA").endsWith(" pier:quantum");
        assertThat(k.fingerprint()).startsWith("SHA256:");
        String derived = run("ssh-keygen", "-y", "-f", priv.toString());
        assertThat(derived.strip()).startsWith(k.publicLine().substring(0, k.publicLine().lastIndexOf(' ')));
        assertThat(run("ssh-keygen", "-l", "-f", home.resolve("keys/quantum.pub").toString()))
                .contains(k.fingerprint(), "(ED25519)");
        assertThat(home.resolve("keys")).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".tmp"));
    }

    @Test
    void generate_never_overwrites_and_names_are_checked() throws Exception {
        DeployKeys keys = DeployKeys.under(home);
        keys.generate("a");
        String before = Files.readString(home.resolve("keys/a"));
        assertThatThrownBy(() -> keys.generate("a")).hasMessageContaining("already exists", "pier keys rotate a");
        assertThat(home.resolve("keys/a")).hasContent(before);
        for (String bad : List.of("../x", "A", ".hidden", "a.previous", "")) {
            assertThatThrownBy(() -> keys.generate(bad)).hasMessageContaining("invalid key name");
        }
    }

    @Test
    void rotation_keeps_the_previous_key_offered_until_it_is_dropped() throws Exception {
        DeployKeys keys = DeployKeys.under(home);
        DeployKeys.KeyInfo old = keys.generate("q");
        DeployKeys.KeyInfo rotated = keys.rotate("q");

        assertThat(rotated.fingerprint()).isNotEqualTo(old.fingerprint());
        assertThat(rotated.previous().fingerprint()).isEqualTo(old.fingerprint());
        assertThat(keys.identities("q")).hasSize(2).first()
                .satisfies(kp -> assertThat(SshKeys.fingerprint(kp.getPublic())).isEqualTo(rotated.fingerprint()));
        assertThatThrownBy(() -> keys.rotate("q")).hasMessageContaining("pier keys drop-previous q");
        keys.dropPrevious("q");
        assertThat(keys.identities("q")).hasSize(1);
        assertThat(keys.show("q").previous()).isNull();
        assertThat(keys.names()).containsExactly("q");
    }

    @Test
    void a_private_key_others_may_read_is_refused() throws Exception {
        DeployKeys keys = DeployKeys.under(home);
        keys.generate("q");
        Files.setPosixFilePermissions(home.resolve("keys/q"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> keys.identities("q")).hasMessageContaining("others may read it; chmod 600");
        assertThatThrownBy(() -> keys.identities("missing")).hasMessageContaining("pier keys generate");
    }

    @Test
    void the_authorized_keys_line_restricts_the_key_and_ssh_keygen_accepts_it() throws Exception {
        DeployKeys.KeyInfo k = DeployKeys.under(home).generate("q");
        String modern = AuthorizedKeysLine.of(k.publicLine(), AuthorizedKeysLine.Options.MODERN, "10.0.0.0/8,192.0.2.7");
        assertThat(modern).isEqualTo("restrict,no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty,"
                + "from=\"10.0.0.0/8,192.0.2.7\" " + k.publicLine());
        assertThat(AuthorizedKeysLine.of(k.publicLine(), AuthorizedKeysLine.Options.LEGACY, null))
                .startsWith("no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty ssh-ed25519 ");
        Path file = home.resolve("authorized_keys");
        Files.writeString(file, modern + "\n");
        assertThat(run("ssh-keygen", "-l", "-f", file.toString())).contains(k.fingerprint());
        assertThatThrownBy(() -> AuthorizedKeysLine.of(k.publicLine(), AuthorizedKeysLine.Options.MODERN, "x\" y"))
                .hasMessageContaining("--from");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}

package dev.pier.ssh;

import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * {@code known_hosts} lines, parsed by MINA SSHD ({@code host[,host] type key}, {@code [host]:port}, hashed
 * {@code |1|…} hosts, the {@code @revoked} marker), and the decision for the key a server presents.
 */
public final class KnownHosts {

    private KnownHosts() {}

    /** One parsed line. */
    public record Entry(String line, KnownHostEntry entry, PublicKey key, boolean revoked) {
        boolean matchesHost(String host, int port) {
            return entry.isHostMatch(host, port);
        }
    }

    /** What to do with a presented key. */
    public sealed interface Verdict {
        /** A pinned entry for this host holds exactly this key. */
        record Pinned() implements Verdict {}

        /** Entries for this host exist but hold other keys, or revoke this one. */
        record Refused(String message) implements Verdict {}

        /** No entry names this host. */
        record Unknown() implements Verdict {}
    }

    /** @throws IllegalArgumentException with a message saying what is wrong with the line */
    public static Entry parse(String line) {
        KnownHostEntry e;
        try {
            e = KnownHostEntry.parseKnownHostEntry(line.strip());
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("not a known_hosts line: " + ex.getMessage());
        }
        if (e == null || e.getKeyEntry() == null) {
            throw new IllegalArgumentException("not a known_hosts line (expected 'host key-type base64-key')");
        }
        String marker = e.getMarker();
        if (marker != null && !"revoked".equals(marker)) {
            throw new IllegalArgumentException("the @" + marker + " marker is not supported (only @revoked)");
        }
        try {
            PublicKey key = e.getKeyEntry().resolvePublicKey(null, java.util.Map.of(), PublicKeyEntryResolver.FAILING);
            if (key == null) {
                throw new IllegalArgumentException("unsupported key type " + e.getKeyEntry().getKeyType());
            }
            return new Entry(line.strip(), e, key, marker != null);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException ex) {
            throw new IllegalArgumentException("not a known_hosts line: no readable key of type '"
                    + e.getKeyEntry().getKeyType() + "' (expected 'host ssh-ed25519 AAAA…')");
        }
    }

    public static List<Entry> parseAll(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        lines.forEach(l -> out.add(parse(l)));
        return out;
    }

    /** Whether any entry names {@code host:port} (config cross-check). */
    public static boolean namesHost(List<Entry> entries, String host, int port) {
        return entries.stream().anyMatch(e -> e.matchesHost(host, port));
    }

    public static Verdict check(List<Entry> entries, String host, int port, PublicKey presented) {
        List<Entry> forHost = entries.stream().filter(e -> e.matchesHost(host, port)).toList();
        if (forHost.isEmpty()) {
            return new Verdict.Unknown();
        }
        String shown = describe(presented);
        if (forHost.stream().anyMatch(e -> e.revoked() && KeyUtils.compareKeys(e.key(), presented))) {
            return new Verdict.Refused("the host key of " + hostPattern(host, port) + " is revoked: the server presented "
                    + shown + ", which a known_hosts entry marks @revoked");
        }
        if (forHost.stream().anyMatch(e -> !e.revoked() && KeyUtils.compareKeys(e.key(), presented))) {
            return new Verdict.Pinned();
        }
        List<String> pinned = forHost.stream().filter(e -> !e.revoked()).map(e -> describe(e.key())).toList();
        return new Verdict.Refused("host key mismatch for " + hostPattern(host, port) + ": the server presented "
                + shown + ", but known_hosts pins " + String.join(" or ", pinned)
                + ". The server's key changed, or this is not the server you configured; nothing was run. If the change"
                + " is expected, replace the known_hosts entry after checking the new fingerprint on the server"
                + " (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)");
    }

    /** {@code ED25519 SHA256:…}. */
    public static String describe(PublicKey key) {
        return KeyUtils.getKeyType(key).replaceFirst("^ssh-", "").toUpperCase(java.util.Locale.ROOT) + " "
                + SshKeys.fingerprint(key);
    }

    /** {@code host} for port 22, else {@code [host]:port}, as known_hosts writes it. */
    public static String hostPattern(String host, int port) {
        return KnownHostHashValue.createHostPattern(host, port);
    }

    /** A known_hosts line that pins {@code key} for {@code host:port}. */
    public static String line(String host, int port, PublicKey key) {
        return hostPattern(host, port) + " " + SshKeys.publicKeyLine(key, null);
    }
}

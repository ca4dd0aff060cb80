package dev.pier.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * Accepts a server only when its host key is pinned: a configured {@code known_hosts} entry for the host holds
 * the presented key. With trust-on-first-use (only when the config says so) a host no configured entry names is
 * checked against Pier's own record ({@code $PIER_HOME/known_hosts}); the first key seen is recorded there, with a
 * warning, and any later different key is refused like a changed pinned key.
 */
public final class HostKeyVerifier implements ServerKeyVerifier {

    private final String host;
    private final int port;
    private final List<KnownHosts.Entry> pinned;
    private final Path tofuFile;
    private volatile String refusal;
    private volatile String warning;

    /** @param tofuFile Pier's own known_hosts for trust-on-first-use; null when it is off */
    public HostKeyVerifier(String host, int port, List<KnownHosts.Entry> pinned, Path tofuFile) {
        this.host = host;
        this.port = port;
        this.pinned = List.copyOf(pinned);
        this.tofuFile = tofuFile;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        KnownHosts.Verdict v = KnownHosts.check(pinned, host, port, key);
        if (v instanceof KnownHosts.Verdict.Pinned) {
            return true;
        }
        if (v instanceof KnownHosts.Verdict.Refused r) {
            refusal = r.message();
            return false;
        }
        if (tofuFile == null) {
            refusal = "unknown host key for " + KnownHosts.hostPattern(host, port) + ": the server presented "
                    + KnownHosts.describe(key) + " and no known_hosts entry of this deployer names the host; nothing"
                    + " was run. Check the fingerprint on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub),"
                    + " then add to known_hosts: \"" + KnownHosts.line(host, port, key) + "\"";
            return false;
        }
        return trustOnFirstUse(key);
    }

    private boolean trustOnFirstUse(PublicKey key) {
        synchronized (HostKeyVerifier.class) {
            try {
                List<KnownHosts.Entry> recorded = recorded();
                KnownHosts.Verdict v = KnownHosts.check(recorded, host, port, key);
                if (v instanceof KnownHosts.Verdict.Pinned) {
                    return true;
                }
                if (v instanceof KnownHosts.Verdict.Refused r) {
                    refusal = r.message() + " (recorded on first use in " + tofuFile + ")";
                    return false;
                }
                record(KnownHosts.line(host, port, key));
                warning = "trust_on_first_use: accepted the unknown host key " + KnownHosts.describe(key) + " of "
                        + KnownHosts.hostPattern(host, port) + " and recorded it in " + tofuFile + "; check it on the"
                        + " server and pin it under known_hosts: \"" + KnownHosts.line(host, port, key) + "\"";
                return true;
            } catch (IOException | IllegalArgumentException e) {
                refusal = "trust_on_first_use: cannot read or write " + tofuFile + ": " + e.getMessage();
                return false;
            }
        }
    }

    private List<KnownHosts.Entry> recorded() throws IOException {
        if (!Files.exists(tofuFile)) {
            return List.of();
        }
        List<KnownHosts.Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(tofuFile, StandardCharsets.US_ASCII)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(KnownHosts.parse(line));
            }
        }
        return out;
    }

    private void record(String line) throws IOException {
        Files.createDirectories(tofuFile.getParent());
        if (!Files.exists(tofuFile)) {
            Files.createFile(tofuFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tofuFile, line + "\n", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    }

    /** Why the server was refused, or null. */
    public String refusal() {
        return refusal;
    }

    /** A warning to log (a key trusted on first use), or null. */
    public String warning() {
        return warning;
    }
}

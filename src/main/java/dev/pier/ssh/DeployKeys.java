package dev.pier.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The node's deploy keys under {@code $PIER_HOME/keys/} (directory 0700): {@code <name>} is the OpenSSH private
 * key (0600), {@code <name>.pub} its public line. A rotation keeps the old pair as {@code <name>.previous} and
 * {@code <name>.previous.pub} until {@link #dropPrevious} removes it; meanwhile deploys offer both keys, new first,
 * so servers can be moved to the new key one at a time.
 */
public final class DeployKeys {

    public static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
    static final String PREVIOUS = ".previous";
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUB_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path dir;

    public DeployKeys(Path dir) {
        this.dir = dir;
    }

    /** The keys of the node whose home is {@code pierHome}. */
    public static DeployKeys under(Path pierHome) {
        return new DeployKeys(pierHome.resolve("keys"));
    }

    /** A refused key operation; the message says what to do instead. */
    public static final class KeyException extends Exception {
        public KeyException(String message) {
            super(message);
        }
    }

    /**
     * @param previous the pair kept by the last rotation, or null
     */
    public record KeyInfo(String name, Path privateFile, PublicKey publicKey, String publicLine, String fingerprint,
                          KeyInfo previous) {}

    public Path dir() {
        return dir;
    }

    public Path privateFile(String name) {
        return dir.resolve(name);
    }

    public KeyInfo generate(String name) throws KeyException {
        check(name);
        if (Files.exists(privateFile(name), LinkOption.NOFOLLOW_LINKS)) {
            throw new KeyException("deploy key '" + name + "' already exists in " + dir
                    + "; use pier keys rotate " + name + " to replace it");
        }
        write(name, SshKeys.generateEd25519());
        return show(name);
    }

    /** New pair under {@code name}; the old one becomes {@code name.previous}. */
    public KeyInfo rotate(String name) throws KeyException {
        check(name);
        if (!Files.exists(privateFile(name), LinkOption.NOFOLLOW_LINKS)) {
            throw new KeyException("no deploy key '" + name + "' in " + dir + "; create it with pier keys generate "
                    + name);
        }
        if (Files.exists(privateFile(name + PREVIOUS), LinkOption.NOFOLLOW_LINKS)) {
            throw new KeyException("deploy key '" + name + "' still keeps the key of its last rotation ("
                    + name + PREVIOUS + "); remove that key from the servers' authorized_keys, then run"
                    + " pier keys drop-previous " + name + " before rotating again");
        }
        try {
            move(privateFile(name + ".pub"), privateFile(name + PREVIOUS + ".pub"));
            move(privateFile(name), privateFile(name + PREVIOUS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the previous key of '" + name + "'", e);
        }
        write(name, SshKeys.generateEd25519());
        return show(name);
    }

    public KeyInfo show(String name) throws KeyException {
        check(name);
        KeyInfo previous = Files.exists(privateFile(name + PREVIOUS + ".pub")) ? info(name + PREVIOUS, null) : null;
        return info(name, previous);
    }

    /** Forgets the key a rotation kept. */
    public void dropPrevious(String name) throws KeyException {
        check(name);
        Path prev = privateFile(name + PREVIOUS);
        if (!Files.exists(prev, LinkOption.NOFOLLOW_LINKS)) {
            throw new KeyException("deploy key '" + name + "' keeps no previous key");
        }
        try {
            Files.delete(prev);
            Files.deleteIfExists(privateFile(name + PREVIOUS + ".pub"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + prev, e);
        }
    }

    /** Every key's name, sorted. */
    public List<String> names() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The private key file's text, for {@code --export-private}. */
    public String privateKeyText(String name) throws KeyException {
        check(name);
        try {
            return Files.readString(privateFile(name), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new KeyException("cannot read deploy key '" + name + "': " + e.getMessage());
        }
    }

    /**
     * The identities a connection offers: the key, then the key its last rotation kept. Refuses a private key
     * file that others may read, as OpenSSH does.
     */
    public List<KeyPair> identities(String name) throws KeyException {
        check(name);
        List<KeyPair> out = new ArrayList<>(load(name));
        if (Files.exists(privateFile(name + PREVIOUS), LinkOption.NOFOLLOW_LINKS)) {
            out.addAll(load(name + PREVIOUS));
        }
        return out;
    }

    private List<KeyPair> load(String file) throws KeyException {
        Path p = privateFile(file);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new KeyException("deploy key '" + file + "' does not exist in " + dir
                    + " (create it with pier keys generate)");
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
            if (!KEY_MODE.containsAll(mode)) {
                throw new KeyException("deploy key " + p + " has mode " + PosixFilePermissions.toString(mode)
                        + ": others may read it; chmod 600 it");
            }
            try (InputStream in = Files.newInputStream(p)) {
                return SshKeys.readPrivateKeys(p.toString(), in);
            }
        } catch (IOException e) {
            throw new KeyException("cannot read deploy key " + p + ": " + e.getMessage());
        }
    }

    private KeyInfo info(String file, KeyInfo previous) throws KeyException {
        Path pub = privateFile(file + ".pub");
        if (!Files.isRegularFile(pub)) {
            throw new KeyException("no deploy key '" + file + "' in " + dir
                    + " (pier keys generate " + file + " creates one)");
        }
        try {
            String line = Files.readString(pub, StandardCharsets.US_ASCII).strip();
            PublicKey key = SshKeys.parsePublicKey(line);
            return new KeyInfo(file, privateFile(file), key, line, SshKeys.fingerprint(key), previous);
        } catch (IOException e) {
            throw new KeyException("cannot read " + pub + ": " + e.getMessage());
        }
    }

    private void write(String name, KeyPair pair) {
        String comment = "pier:" + name;
        try {
            ensureDir();
            writeAtomically(privateFile(name + ".pub"), (SshKeys.publicKeyLine(pair.getPublic(), comment) + "\n")
                    .getBytes(StandardCharsets.US_ASCII), PUB_MODE);
            writeAtomically(privateFile(name), SshKeys.privateKeyFile(pair, comment), KEY_MODE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write deploy key '" + name + "' into " + dir, e);
        }
    }

    private void ensureDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another pier made it
            }
        }
        Files.setPosixFilePermissions(dir, DIR_MODE);
    }

    /** Created with its final mode, so the content is never readable by others, then renamed into place. */
    private void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path tmp = Files.createTempFile(dir, ".tmp-", "", PosixFilePermissions.asFileAttribute(KEY_MODE));
        try {
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, mode);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void check(String name) throws KeyException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new KeyException("invalid key name '" + name + "': use 1-63 lower-case letters, digits, '-' or '_',"
                    + " starting with a letter or digit");
        }
    }
}

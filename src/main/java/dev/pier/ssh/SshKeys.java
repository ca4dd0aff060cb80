package dev.pier.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Key material through Apache MINA SSHD only (BouncyCastle provides ed25519): generation, the OpenSSH
 * private key format, public key lines and SHA256 fingerprints. No hand-rolled encoding.
 */
public final class SshKeys {

    private SshKeys() {}

    /** A fresh ed25519 pair. */
    public static KeyPair generateEd25519() {
        requireEd25519();
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an ed25519 key: " + e.getMessage(), e);
        }
    }

    /** The unencrypted OpenSSH private key file ({@code -----BEGIN OPENSSH PRIVATE KEY-----}). */
    public static byte[] privateKeyFile(KeyPair pair, String comment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the private key: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** {@code ssh-ed25519 AAAA… comment}, one line without a terminator. */
    public static String publicKeyLine(PublicKey key, String comment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(key, comment, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the public key: " + e.getMessage(), e);
        }
        return out.toString(StandardCharsets.US_ASCII).strip();
    }

    /** {@code SHA256:…}, as {@code ssh-keygen -l} and OpenSSH's messages print it. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    /** Reads every key pair in an OpenSSH (or PEM) private key file. Unencrypted keys only. */
    public static List<KeyPair> readPrivateKeys(String resourceName, InputStream in) throws IOException {
        requireEd25519();
        try {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(resourceName), in,
                    (session, resource, retry) -> {
                        throw new IOException(resource.getName() + " is encrypted; Pier's deploy keys are not");
                    });
            List<KeyPair> out = new ArrayList<>();
            if (pairs != null) {
                pairs.forEach(out::add);
            }
            if (out.isEmpty()) {
                throw new IOException(resourceName + " holds no private key");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException(resourceName + " is not a readable private key: " + e.getMessage(), e);
        }
    }

    /** Parses {@code ssh-ed25519 AAAA… [comment]} (authorized_keys options allowed). */
    public static PublicKey parsePublicKey(String line) throws IOException {
        try {
            AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line.strip());
            if (entry == null) {
                throw new IOException("not a public key line");
            }
            return entry.resolvePublicKey(null, java.util.Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException("not a public key line: " + e.getMessage(), e);
        }
    }

    static void requireEd25519() {
        if (!SecurityUtils.isEDDSACurveSupported()) {
            throw new IllegalStateException("ed25519 is not available: BouncyCastle is missing from the classpath");
        }
    }
}

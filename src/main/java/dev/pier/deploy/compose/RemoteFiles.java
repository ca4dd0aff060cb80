package dev.pier.deploy.compose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/** The server's files through SFTP: modes set before content, atomic replacement, nothing but what Pier wrote. */
final class RemoteFiles {

    static final int PRIVATE_DIR = 0700;
    static final int PRIVATE_FILE = 0600;
    static final int PUBLIC_FILE = 0644;
    private static final int MAX_READ = 1 << 20;

    private final SftpClient sftp;

    RemoteFiles(SftpClient sftp) {
        this.sftp = sftp;
    }

    /** {@code mkdir -p}. */
    void mkdirs(String dir) throws IOException {
        StringBuilder path = new StringBuilder();
        for (String part : dir.substring(1).split("/")) {
            path.append('/').append(part);
            if (!exists(path.toString())) {
                sftp.mkdir(path.toString());
            }
        }
    }

    /** A new directory only its owner may enter. */
    void mkdirPrivate(String dir) throws IOException {
        if (!exists(dir)) {
            sftp.mkdir(dir);
        }
        sftp.setStat(dir, new Attributes().perms(PRIVATE_DIR));
    }

    /**
     * Creates {@code path} (it must not exist), makes it 0600 and checks the server applied that, and only then
     * writes the content: no moment exists at which another user could read it.
     */
    void writePrivate(String path, byte[] content) throws IOException {
        try (SftpClient.CloseableHandle h = sftp.open(path, EnumSet.of(OpenMode.Write, OpenMode.Create,
                OpenMode.Exclusive))) {
            sftp.setStat(h, new Attributes().perms(PRIVATE_FILE));
            int mode = sftp.stat(h).getPermissions() & 0777;
            if (mode != PRIVATE_FILE) {
                throw new IOException("the server left " + path + " with mode " + Integer.toOctalString(mode)
                        + " instead of 600; nothing was written into it");
            }
            sftp.write(h, 0, content);
        }
    }

    void write(String path, byte[] content) throws IOException {
        try (SftpClient.CloseableHandle h = sftp.open(path, EnumSet.of(OpenMode.Write, OpenMode.Create,
                OpenMode.Truncate))) {
            sftp.setStat(h, new Attributes().perms(PUBLIC_FILE));
            sftp.write(h, 0, content);
        }
    }

    /** Writes beside {@code path}, then renames over it. */
    void replace(String path, byte[] content) throws IOException {
        String tmp = path + ".tmp";
        removeIfExists(tmp);
        write(tmp, content);
        rename(tmp, path);
    }

    /** Points the symbolic link {@code link} at {@code target} (relative), replacing it atomically. */
    void link(String link, String target) throws IOException {
        String tmp = link + ".tmp";
        removeIfExists(tmp);
        sftp.symLink(tmp, target);
        rename(tmp, link);
    }

    private void rename(String from, String to) throws IOException {
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(from, to);
        } else {
            removeIfExists(to);
            sftp.rename(from, to);
        }
    }

    boolean exists(String path) throws IOException {
        try {
            sftp.lstat(path);
            return true;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    /** @return whether it existed */
    boolean removeIfExists(String path) throws IOException {
        try {
            sftp.remove(path);
            return true;
        } catch (SftpException e) {
            if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    /** The text of a small file, or null when it does not exist. */
    String readText(String path) throws IOException {
        if (!exists(path)) {
            return null;
        }
        try (InputStream in = sftp.read(path)) {
            byte[] bytes = in.readNBytes(MAX_READ + 1);
            if (bytes.length > MAX_READ) {
                throw new IOException(path + " is larger than " + MAX_READ + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Entry names in {@code dir}, without . and ..; empty when it does not exist. */
    List<String> list(String dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!exists(dir)) {
            return out;
        }
        for (SftpClient.DirEntry e : sftp.readDir(dir)) {
            if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                out.add(e.getFilename());
            }
        }
        return out;
    }

    /** Removes a release directory: the files in it (Pier writes no subdirectories), then itself. */
    void removeRelease(String dir) throws IOException {
        for (String name : list(dir)) {
            removeIfExists(dir + "/" + name);
        }
        if (exists(dir)) {
            sftp.rmdir(dir);
        }
    }
}

package dev.pier.oci.artifact;

import static dev.pier.oci.OciException.tried;
import static dev.pier.oci.Quote.quote;

import dev.pier.oci.OciException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/** What a tar entry may be before {@link SafeExtractor} writes it: a relative path that stays inside, a file or a directory. */
final class TarEntryRules {

    private TarEntryRules() {}

    /** The '/'-joined relative path without '.' components; "" for the archive root; refuses escapes. */
    static String checkedPath(String name, String action) throws OciException {
        if (name == null || name.isEmpty()) {
            throw tried(action, "an entry has an empty name");
        }
        if (name.indexOf('\0') >= 0) {
            throw tried(action, "entry " + quote(name) + " has a NUL character in its name");
        }
        if (name.startsWith("/") || (name.length() > 1 && name.charAt(1) == ':' && Character.isLetter(name.charAt(0)))) {
            throw tried(action, "entry " + quote(name) + " has an absolute path; only relative paths are extracted");
        }
        if (name.indexOf('\\') >= 0) {
            throw tried(action, "entry " + quote(name) + " has a backslash in its path");
        }
        if (plain(name)) {
            return name; // the common case, without splitting and joining
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                throw tried(action, "entry " + quote(name) + " has a '..' path component (path traversal)");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    /** Whether every '/'-separated component is non-empty and neither "." nor "..". */
    private static boolean plain(String name) {
        int start = 0;
        while (true) {
            int end = name.indexOf('/', start);
            int stop = end < 0 ? name.length() : end;
            int length = stop - start;
            if (length == 0 || (name.charAt(start) == '.' && (length == 1 || (length == 2 && name.charAt(start + 1) == '.')))) {
                return false;
            }
            if (end < 0) {
                return true;
            }
            start = end + 1;
        }
    }

    static void checkType(TarArchiveEntry entry, String action) throws OciException {
        if (entry.isFile() && !entry.isSymbolicLink() && !entry.isLink() && !entry.isCharacterDevice()
                && !entry.isBlockDevice() && !entry.isFIFO() && !entry.isSparse()) {
            return; // the common case, without quoting the name for a message
        }
        String name = quote(entry.getName());
        if (entry.isSymbolicLink()) {
            throw tried(action, "entry " + name + " is a symbolic link to " + quote(entry.getLinkName())
                    + "; links are not extracted");
        }
        if (entry.isLink()) {
            throw tried(action, "entry " + name + " is a hard link to " + quote(entry.getLinkName())
                    + "; links are not extracted");
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            throw tried(action, "entry " + name + " is a device file; only files and directories are extracted");
        }
        if (entry.isFIFO()) {
            throw tried(action, "entry " + name + " is a FIFO; only files and directories are extracted");
        }
        if (entry.isSparse()) {
            throw tried(action, "entry " + name + " is a sparse file; only plain files and directories are extracted");
        }
        if (!entry.isDirectory() && !entry.isFile()) {
            throw tried(action, "entry " + name + " has unsupported type '" + (char) entry.getLinkFlag()
                    + "'; only files and directories are extracted");
        }
    }
}

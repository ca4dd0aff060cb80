package dev.pier.oci.layout;

import static dev.pier.oci.OciException.tried;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.OciException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A layout's {@code index.json}: read, changed under a file lock (and a lock within this process, since file
 * locks are per process), and written atomically; plus the JSON and file helpers the store shares.
 */
final class LayoutIndex {

    static final String INDEX_FILE = "index.json";
    static final String LOCK_FILE = "index.json.lock";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    private LayoutIndex() {}

    static ObjectNode readIndex(Path dir, String action) throws IOException {
        Path index = dir.resolve(INDEX_FILE);
        if (!Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
            ObjectNode empty = JSON.createObjectNode();
            empty.put("schemaVersion", 2);
            empty.put("mediaType", OciLayoutStore.INDEX_MEDIA_TYPE);
            empty.putArray("manifests");
            return empty;
        }
        long size = Files.size(index);
        if (size > OciLayoutStore.MAX_INDEX_BYTES) {
            throw tried(action, index + " is " + size + " bytes; at most " + OciLayoutStore.MAX_INDEX_BYTES + " are read");
        }
        ObjectNode node = parseObject(Files.readAllBytes(index), action, index.toString());
        if (!node.path("manifests").isArray()) {
            if (node.has("manifests")) {
                throw tried(action, index + " has a 'manifests' field that is not an array");
            }
            node.putArray("manifests");
        }
        return node;
    }

    static List<JsonNode> entries(ObjectNode index) {
        List<JsonNode> entries = new ArrayList<>();
        index.path("manifests").forEach(entries::add);
        return entries;
    }

    interface IndexChange {
        void apply(ArrayNode manifests) throws IOException;
    }

    static void updateIndex(Path dir, String action, IndexChange change) throws IOException {
        ReentrantLock local = IN_PROCESS_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        local.lock();
        try (FileChannel lockFile = FileChannel.open(dir.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            ObjectNode index = readIndex(dir, action);
            change.apply((ArrayNode) index.get("manifests"));
            writeAtomically(dir.resolve(INDEX_FILE), JSON.writeValueAsBytes(index));
        } finally {
            local.unlock();
        }
    }

    static Descriptor descriptor(JsonNode entry, String action) throws OciException {
        String mediaType = entry.path("mediaType").asText(null);
        Digest digest = LayoutNames.digestOrNull(entry.path("digest").asText(""), action);
        if (mediaType == null || digest == null || !entry.path("size").canConvertToLong()) {
            throw tried(action, "index.json has an entry without mediaType, digest or size: " + entry);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        entry.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return new Descriptor(mediaType, digest, entry.path("size").asLong(),
                entry.path("artifactType").asText(null), annotations);
    }

    static ObjectNode parseObject(byte[] bytes, String action, String what) throws OciException {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw tried(action, what + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw tried(action, what + " could not be read: " + e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw tried(action, what + " is not a JSON object");
        }
        return object;
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            readable(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Temp files are created 0600; a layout is meant to be read by other tools, so make it 0644. */
    static void readable(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}

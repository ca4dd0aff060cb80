package dev.pier.oci.layout;

import static dev.pier.oci.OciException.tried;
import static dev.pier.oci.Quote.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.oci.ContentStore;
import dev.pier.oci.Descriptor;
import dev.pier.oci.Digest;
import dev.pier.oci.Manifest;
import dev.pier.oci.OciException;
import dev.pier.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A {@link ContentStore} over OCI image layouts on disk: each repository {@code acme/app} is the directory
 * {@code <root>/acme/app/} holding {@code oci-layout}, {@code index.json} and {@code blobs/sha256/<hex>}.
 * Tags are the {@code org.opencontainers.image.ref.name} annotation of index entries, as skopeo and oras
 * write them, so {@code skopeo inspect oci:<root>/acme/app:v1} reads what this store writes.
 *
 * <p>Every file is written to a temp file in the same directory and renamed into place; blobs are verified
 * against their digest on write and on read; {@code index.json} is rewritten under a file lock
 * ({@code index.json.lock}, plus an in-process lock) so concurrent pushes never lose a tag. Repository
 * names follow the reference grammar (lower case, no {@code ..}, not absolute) and symbolic links inside
 * the root are not followed, so nothing is ever written outside the root.
 */
public final class OciLayoutStore implements ContentStore {

    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    public static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
    public static final String IMAGE_MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String LAYOUT_FILE = "oci-layout";
    static final byte[] LAYOUT_BYTES = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    /** index.json is read whole; a larger one is refused rather than loaded. */
    static final long MAX_INDEX_BYTES = 64L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public OciLayoutStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The layout directory of {@code repository}, after validating the name; it may not exist yet. */
    public Path layoutDirectory(String repository) throws OciException {
        return repositoryDir(repository, "open repository " + repository);
    }

    @Override
    public Optional<Descriptor> resolve(String repository, String tagOrDigest) throws IOException {
        String action = "resolve " + LayoutNames.display(repository, tagOrDigest);
        Path dir = repositoryDir(repository, action);
        Digest digest = LayoutNames.digestOrNull(tagOrDigest, action);
        List<JsonNode> entries = LayoutIndex.entries(LayoutIndex.readIndex(dir, action));
        if (digest != null) {
            for (JsonNode entry : entries) {
                if (digest.toString().equals(entry.path("digest").asText())) {
                    return Optional.of(LayoutIndex.descriptor(entry, action));
                }
            }
            Path blob = LayoutBlobs.blobPath(dir, digest);
            if (!Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            // A manifest not named in index.json (e.g. a platform manifest of an image index): a blob is a
            // manifest only when it is small JSON that says it is one.
            if (Files.size(blob) > Manifest.MAX_BYTES) {
                return Optional.empty();
            }
            byte[] bytes = LayoutBlobs.readManifestBlob(dir, digest, Files.size(blob), action);
            String mediaType;
            try {
                mediaType = JSON.readTree(bytes).path("mediaType").asText("");
            } catch (IOException notJson) {
                return Optional.empty();
            }
            if (!mediaType.contains("manifest") && !mediaType.contains("index")) {
                return Optional.empty();
            }
            return Optional.of(Descriptor.of(mediaType, digest, bytes.length));
        }
        JsonNode found = null;
        for (JsonNode entry : entries) {
            if (tagOrDigest.equals(entry.path("annotations").path(REF_NAME).asText(null))) {
                found = entry;
            }
        }
        return found == null ? Optional.empty() : Optional.of(LayoutIndex.descriptor(found, action));
    }

    @Override
    public Manifest manifest(String repository, String tagOrDigest) throws IOException {
        String action = "read manifest " + LayoutNames.display(repository, tagOrDigest);
        Path dir = repositoryDir(repository, action);
        Descriptor descriptor = resolve(repository, tagOrDigest).orElseThrow(() -> tried(OciException.Kind.NOT_FOUND, action,
                "the layout " + dir + " has no such " + (tagOrDigest.contains(":") ? "manifest" : "tag")));
        byte[] bytes = LayoutBlobs.readManifestBlob(dir, descriptor.digest(), descriptor.size(), action);
        return new Manifest(bytes, descriptor.mediaType(), descriptor.digest());
    }

    @Override
    public Digest putManifest(String repository, String tag, byte[] bytes, String mediaType) throws IOException {
        Digest digest = sha256(bytes);
        String action = "push manifest " + LayoutNames.display(repository, tag == null ? digest.toString() : tag);
        if (bytes.length > Manifest.MAX_BYTES) {
            throw tried(action, "it is " + bytes.length + " bytes; at most " + Manifest.MAX_BYTES + " are allowed");
        }
        if (tag != null) {
            LayoutNames.checkTag(tag, action);
        }
        if (mediaType == null || mediaType.isBlank()) {
            throw tried(action, "no media type was given");
        }
        ObjectNode manifest = LayoutIndex.parseObject(bytes, action, "the manifest");
        String declared = manifest.path("mediaType").asText(null);
        if (declared != null && !declared.equals(mediaType)) {
            throw tried(action, "its mediaType field says " + quote(declared) + " but it was pushed as " + quote(mediaType));
        }
        Path dir = ensureLayout(repository, action);
        for (JsonNode referenced : LayoutBlobs.referencedBlobs(manifest)) {
            Digest blob = LayoutNames.digestOrNull(referenced.path("digest").asText(""), action);
            if (blob == null || !Files.isRegularFile(LayoutBlobs.blobPath(dir, blob), LinkOption.NOFOLLOW_LINKS)) {
                throw tried(action, "it references " + quote(referenced.path("digest").asText(""))
                        + ", which is not in the layout: push its blobs first");
            }
        }
        Path blob = LayoutBlobs.blobPath(dir, digest);
        if (!Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS) || !java.util.Arrays.equals(Files.readAllBytes(blob), bytes)) {
            Files.createDirectories(blob.getParent());
            LayoutIndex.writeAtomically(blob, bytes);
        }
        String artifactType = manifest.path("artifactType").asText(null);
        LayoutIndex.updateIndex(dir, action, manifests -> {
            boolean present = false;
            for (Iterator<JsonNode> it = manifests.iterator(); it.hasNext(); ) {
                JsonNode entry = it.next();
                String refName = entry.path("annotations").path(REF_NAME).asText(null);
                boolean sameDigest = digest.toString().equals(entry.path("digest").asText());
                if (tag != null && (tag.equals(refName) || (sameDigest && refName == null))) {
                    it.remove();
                } else if (sameDigest) {
                    present = true;
                }
            }
            if (tag != null || !present) {
                ObjectNode entry = manifests.addObject();
                entry.put("mediaType", mediaType);
                entry.put("digest", digest.toString());
                entry.put("size", bytes.length);
                if (artifactType != null) {
                    entry.put("artifactType", artifactType);
                }
                if (tag != null) {
                    entry.putObject("annotations").put(REF_NAME, tag);
                }
            }
        });
        return digest;
    }

    @Override
    public boolean hasBlob(String repository, Digest digest) throws IOException {
        Path dir = repositoryDir(repository, "look for blob " + repository + "@" + digest);
        return Files.isRegularFile(LayoutBlobs.blobPath(dir, digest), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void blob(String repository, Digest digest, long expectedSize, OutputStream sink) throws IOException {
        String action = "read blob " + repository + "@" + digest;
        Path dir = repositoryDir(repository, action);
        Path blob = LayoutBlobs.blobPath(dir, digest);
        if (!Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
            throw tried(OciException.Kind.NOT_FOUND, action, "the layout " + dir + " has no such blob");
        }
        long onDisk = Files.size(blob);
        if (expectedSize >= 0 && onDisk != expectedSize) {
            throw tried(action, "the blob on disk is " + onDisk + " bytes, not the expected " + expectedSize
                    + ": the layout is corrupt");
        }
        MessageDigest sha = LayoutBlobs.newSha256();
        long count = 0;
        try (InputStream in = Files.newInputStream(blob, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                count += n;
                if (count > onDisk) {
                    throw tried(action, "the blob grew while it was read");
                }
                sha.update(buffer, 0, n);
                sink.write(buffer, 0, n);
            }
        }
        Digest actual = LayoutBlobs.digestOf(sha);
        if (!actual.equals(digest)) {
            throw tried(OciException.Kind.CORRUPT, action, "the blob on disk has digest " + actual + ": the layout is corrupt");
        }
    }

    @Override
    public void putBlob(String repository, Digest digest, long size, InputStream content) throws IOException {
        String action = "push blob " + repository + "@" + digest;
        if (size < 0) {
            throw tried(action, "its size " + size + " is negative");
        }
        Path dir = ensureLayout(repository, action);
        Path blob = LayoutBlobs.blobPath(dir, digest);
        if (Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS) && Files.size(blob) == size) {
            return; // already there (a blob of the wrong size is corrupt, and is replaced below)
        }
        Files.createDirectories(blob.getParent());
        Path temp = Files.createTempFile(blob.getParent(), "." + digest.hex() + ".", ".tmp");
        try {
            MessageDigest sha = LayoutBlobs.newSha256();
            long count = 0;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = content.read(buffer)) != -1) {
                    count += n;
                    if (count > size) {
                        throw tried(action, "the content is longer than the declared " + size + " bytes");
                    }
                    sha.update(buffer, 0, n);
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                }
                if (count != size) {
                    throw tried(action, "the content is " + count + " bytes, not the declared " + size);
                }
                Digest actual = LayoutBlobs.digestOf(sha);
                if (!actual.equals(digest)) {
                    throw tried(action, "the content has digest " + actual);
                }
                out.force(true);
            }
            LayoutIndex.readable(temp);
            Files.move(temp, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public List<String> tags(String repository) throws IOException {
        String action = "list tags of " + repository;
        Path dir = repositoryDir(repository, action);
        TreeSet<String> tags = new TreeSet<>();
        for (JsonNode entry : LayoutIndex.entries(LayoutIndex.readIndex(dir, action))) {
            String refName = entry.path("annotations").path(REF_NAME).asText(null);
            if (refName != null) {
                tags.add(refName);
            }
        }
        return List.copyOf(tags);
    }

    @Override
    public List<Descriptor> referrers(String repository, Digest digest, String artifactType) throws IOException {
        String action = "list referrers of " + repository + "@" + digest;
        Path dir = repositoryDir(repository, action);
        Map<String, JsonNode> distinct = new LinkedHashMap<>();
        for (JsonNode entry : LayoutIndex.entries(LayoutIndex.readIndex(dir, action))) {
            distinct.putIfAbsent(entry.path("digest").asText(), entry);
        }
        List<Descriptor> referrers = new ArrayList<>();
        for (JsonNode entry : distinct.values()) {
            Descriptor candidate = LayoutIndex.descriptor(entry, action);
            ObjectNode manifest = LayoutIndex.parseObject(LayoutBlobs.readManifestBlob(dir, candidate.digest(), candidate.size(), action),
                    action, "manifest " + candidate.digest());
            if (!digest.toString().equals(manifest.path("subject").path("digest").asText())) {
                continue;
            }
            String type = manifest.path("artifactType").asText(manifest.path("config").path("mediaType").asText(null));
            if (artifactType != null && !artifactType.equals(type)) {
                continue;
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            manifest.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
            referrers.add(new Descriptor(candidate.mediaType(), candidate.digest(), candidate.size(), type, annotations));
        }
        return referrers;
    }

    @Override
    public void delete(String repository, Digest digest) throws IOException {
        String action = "delete " + repository + "@" + digest;
        Path dir = repositoryDir(repository, action);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw tried(action, "the repository has no layout at " + dir);
        }
        LayoutIndex.updateIndex(dir, action, manifests -> {
            for (Iterator<JsonNode> it = manifests.iterator(); it.hasNext(); ) {
                if (digest.toString().equals(it.next().path("digest").asText())) {
                    it.remove();
                }
            }
        });
        Files.deleteIfExists(LayoutBlobs.blobPath(dir, digest));
    }

    // ---- paths and validation ----

    private Path repositoryDir(String repository, String action) throws OciException {
        if (repository == null || repository.isEmpty()) {
            throw tried(action, "the repository name is empty");
        }
        try {
            new Reference("localhost", repository, null, null);
        } catch (IllegalArgumentException e) {
            throw tried(action, "repository " + quote(repository) + " is not a valid repository path: " + e.getMessage());
        }
        String[] parts = repository.split("/");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].equals("blobs")) {
                throw tried(action, "repository " + quote(repository) + " has a component 'blobs' below the first;"
                        + " its layout would sit inside the blob store of repository "
                        + quote(String.join("/", java.util.Arrays.copyOfRange(parts, 0, i))));
            }
        }
        Path dir = root.resolve(repository).normalize();
        if (!dir.startsWith(root) || dir.equals(root)) {
            throw tried(action, "repository " + quote(repository) + " would leave the layout root " + root);
        }
        Path step = root;
        for (Path part : root.relativize(dir)) {
            step = step.resolve(part);
            if (Files.isSymbolicLink(step)) {
                throw tried(action, step + " is a symbolic link; links inside the layout root are not followed");
            }
        }
        return dir;
    }

    // ---- layout files ----

    private Path ensureLayout(String repository, String action) throws IOException {
        Path dir = repositoryDir(repository, action);
        Files.createDirectories(dir.resolve("blobs").resolve(Digest.SHA256));
        Path layout = dir.resolve(LAYOUT_FILE);
        if (!Files.exists(layout, LinkOption.NOFOLLOW_LINKS)) {
            LayoutIndex.writeAtomically(layout, LAYOUT_BYTES);
        }
        return dir;
    }

    public static Digest sha256(byte[] bytes) {
        return LayoutBlobs.sha256(bytes);
    }
}

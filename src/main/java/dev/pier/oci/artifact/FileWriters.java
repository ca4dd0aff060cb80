package dev.pier.oci.artifact;

import static dev.pier.oci.OciException.tried;
import static dev.pier.oci.Quote.quote;

import dev.pier.oci.OciException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates the files of an extraction on a few threads while the tar reader goes on. Creating thousands of
 * files is mostly kernel time (inode allocation, directory entries), which {@code tar} spends on one thread;
 * here it is spread over {@link #threads()} writers. Files of one directory always go to the same writer, in
 * archive order, so writers do not queue on one directory's lock. Bytes in flight are bounded; the reader
 * blocks in {@link #reserve} when the writers fall behind.
 *
 * <p>Files are created with {@code CREATE_NEW} and {@code NOFOLLOW_LINKS}, only below a staging directory
 * that contains no links. The first failure stops the remaining writes and is reported by the next
 * {@link #submit} or by {@link #finish}. {@link #close} returns only when no writer can touch the disk any
 * more, so the caller may then delete the staging directory without a late write re-creating a file.
 */
final class FileWriters implements AutoCloseable {

    /** Files up to this size are handed to a writer whole; larger ones are written by the reader itself. */
    static final int MAX_HANDED_OVER = 1024 * 1024;
    /** At most this many bytes (file contents plus {@link #PER_FILE} each) wait for a writer. */
    static final int MAX_IN_FLIGHT = 32 * 1024 * 1024;
    /** Counted per file on top of its size, which also bounds the number of queued empty files. */
    static final int PER_FILE = 4096;

    private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    private final ExecutorService[] writers;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicReference<OciException> failure = new AtomicReference<>();
    private final String action;
    private final boolean posix;
    private final Mode readable = new Mode("rw-r--r--");
    private final Mode executable = new Mode("rwxr-xr-x");

    FileWriters(String name, int threads, String action, boolean posix) {
        this.action = action;
        this.posix = posix;
        writers = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            writers[i] = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(name + "-" + i).factory());
        }
    }

    /**
     * One writer per core, at least 2 and at most 4 (on 2 cores, 2 writers beat 1 and 4: docs/benchmarks.md).
     */
    static int defaultThreads() {
        return Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    int threads() {
        return writers.length;
    }

    /**
     * Reserves room for a file of {@code size} bytes (at most {@link #MAX_HANDED_OVER}) before its content
     * is read; blocks while the writers are behind. Throws the first writer failure, if any.
     */
    void reserve(int size) throws IOException {
        check();
        try {
            inFlight.acquire(size + PER_FILE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for file writers");
        }
    }

    /**
     * Hands a file over to the writer of its directory; {@link #reserve} must have been called with its
     * size. {@code name} is the entry's name in the archive, for messages.
     */
    void submit(Path path, byte[] content, boolean exec, String name) throws OciException {
        int cost = content.length + PER_FILE;
        OciException failed = failure.get();
        if (failed != null) {
            inFlight.release(cost);
            throw failed;
        }
        Path dir = path.getParent();
        int writer = Math.floorMod(dir.hashCode(), writers.length);
        writers[writer].execute(() -> {
            try {
                if (failure.get() == null) {
                    write(path, content, exec, name);
                }
            } catch (OciException e) {
                failure.compareAndSet(null, e);
            } catch (Throwable e) { // an Error too: a file must never go missing silently
                failure.compareAndSet(null, tried(action, "entry " + quote(name) + " could not be written: " + e, e));
            } finally {
                inFlight.release(cost);
            }
        });
    }

    /** Creates and writes one file on the calling thread (a writer's task). */
    void write(Path path, byte[] content, boolean exec, String name) throws IOException {
        try (FileChannel out = open(path, exec, name)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
        afterCreate(path, exec);
    }

    /**
     * Creates a new file with its final mode (for a reader that streams a large file itself); call
     * {@link #afterCreate} once it is closed.
     */
    FileChannel open(Path path, boolean exec, String name) throws IOException {
        Mode mode = exec ? executable : readable;
        try {
            return posix ? FileChannel.open(path, CREATE, mode.attribute) : FileChannel.open(path, CREATE);
        } catch (FileAlreadyExistsException e) {
            throw tried(action, "entry " + quote(name) + " conflicts with an earlier entry of another type");
        }
    }

    /**
     * The mode asked for at creation is reduced by the umask. The first file of each mode is checked; only
     * when the umask took bits away does every file of that mode get an explicit chmod.
     */
    void afterCreate(Path path, boolean exec) throws IOException {
        if (!posix) {
            return;
        }
        Mode mode = exec ? executable : readable;
        int state = mode.state;
        if (state == Mode.UNKNOWN) {
            boolean exact = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode.permissions);
            state = exact ? Mode.EXACT : Mode.CHMOD;
            mode.state = state;
        }
        if (state == Mode.CHMOD) {
            Files.setPosixFilePermissions(path, mode.permissions);
        }
    }

    /** Waits for every handed-over file to be written; throws the first failure. */
    void finish() throws IOException {
        for (ExecutorService writer : writers) {
            writer.shutdown();
        }
        awaitAll();
        check();
    }

    private void check() throws OciException {
        OciException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /** Drops files not yet started and waits for the ones being written (even when interrupted). */
    @Override
    public void close() {
        for (ExecutorService writer : writers) {
            writer.shutdownNow();
        }
        awaitAll();
    }

    private void awaitAll() {
        boolean interrupted = false;
        for (ExecutorService writer : writers) {
            while (true) {
                try {
                    if (writer.awaitTermination(1, TimeUnit.DAYS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the writers must stop before the caller deletes what they write to
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Mode {
        static final int UNKNOWN = 0;
        static final int EXACT = 1;
        static final int CHMOD = 2;

        final Set<PosixFilePermission> permissions;
        final FileAttribute<Set<PosixFilePermission>> attribute;
        volatile int state = UNKNOWN;

        Mode(String permissions) {
            this.permissions = PosixFilePermissions.fromString(permissions);
            this.attribute = PosixFilePermissions.asFileAttribute(this.permissions);
        }
    }
}

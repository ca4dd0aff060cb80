package dev.pier.store;

import dev.pier.pipeline.Cancellation;
import dev.pier.pipeline.CancelledException;
import dev.pier.pipeline.EnvironmentLocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Environment leases as OS file locks under {@code $PIER_HOME/locks}. The kernel drops a lock when its
 * holder dies, even by {@code kill -9}, so a crash can never leave an environment locked.
 */
public final class FileEnvironmentLocks implements EnvironmentLocks {

    private static final Duration POLL = Duration.ofMillis(100);

    private final Path dir;

    public FileEnvironmentLocks(Path home) {
        this.dir = home.resolve("locks");
    }

    @Override
    public Optional<Lease> tryAcquire(String app, String environment) {
        Path file = dir.resolve(app + "--" + environment + ".lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            FileChannel held = channel;
            return Optional.of(() -> {
                try {
                    lock.release();
                    held.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel); // held by this JVM already
            return Optional.empty();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    @Override
    public Lease acquire(String app, String environment, Cancellation cancellation) throws CancelledException {
        CountDownLatch cancelled = new CountDownLatch(1);
        cancellation.onCancel(cancelled::countDown);
        while (true) {
            cancellation.throwIfCancelled();
            Optional<Lease> lease = tryAcquire(app, environment);
            if (lease.isPresent()) {
                return lease.get();
            }
            try {
                // A file lock has no wake-up: poll, but return at once on cancellation.
                cancelled.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("interrupted while waiting for " + app + "/" + environment);
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do: the lock was never ours
            }
        }
    }
}

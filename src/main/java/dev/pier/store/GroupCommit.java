package dev.pier.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Group commit: writes submitted while another batch commits wait and then commit together, in one
 * transaction and one fsync. Each caller still returns only once its own write is durable. The batch function
 * must return one result per item, in order. When a batch fails, its items are retried one at a time, so one
 * bad item fails only its own caller.
 */
final class GroupCommit<T, R> {

    private final Function<List<T>, List<R>> commit;
    private final ReentrantLock committer = new ReentrantLock();
    private final List<Pending<T, R>> waiting = new ArrayList<>();
    private final int maxBatch;

    GroupCommit(Function<List<T>, List<R>> commit, int maxBatch) {
        this.commit = commit;
        this.maxBatch = maxBatch;
    }

    private record Pending<T, R>(T item, CompletableFuture<R> result) {}

    R submit(T item) {
        Pending<T, R> mine = new Pending<>(item, new CompletableFuture<>());
        synchronized (waiting) {
            waiting.add(mine);
        }
        // Whoever holds the committer commits everything waiting, ours included if it was queued in time.
        while (!mine.result().isDone()) {
            committer.lock();
            try {
                if (!mine.result().isDone()) {
                    commitWaiting();
                }
            } finally {
                committer.unlock();
            }
        }
        try {
            return mine.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted after the write was decided", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Writes submitted and not yet taken into a batch. */
    int waitingCount() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private void commitWaiting() {
        List<Pending<T, R>> batch;
        synchronized (waiting) {
            int n = Math.min(waiting.size(), maxBatch);
            batch = new ArrayList<>(waiting.subList(0, n));
            waiting.subList(0, n).clear();
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            List<R> results = commit.apply(batch.stream().map(Pending::item).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException | Error batchFailed) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(batchFailed);
                return;
            }
            for (Pending<T, R> p : batch) { // the transaction rolled back: nothing of the batch was written
                try {
                    p.result().complete(commit.apply(List.of(p.item())).get(0));
                } catch (RuntimeException | Error alone) {
                    p.result().completeExceptionally(alone);
                }
            }
        }
    }
}

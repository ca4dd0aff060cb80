package dev.pier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pier.pipeline.Run;
import dev.pier.pipeline.RunStatus;
import dev.pier.pipeline.RunStore;
import dev.pier.pipeline.RunStore.NewRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    @TempDir
    Path home;

    @Test
    void callers_that_arrive_while_a_batch_commits_share_the_next_commit_and_each_gets_its_own_result()
            throws Exception {
        CountDownLatch firstCommitting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Integer, String> group = new GroupCommit<>(items -> {
            batches.add(items);
            if (items.contains(0)) {
                firstCommitting.countDown();
                awaitLatch(release);
            }
            return items.stream().map(i -> "r" + i).toList();
        }, 64);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = pool.submit(() -> group.submit(0));
            assertThat(firstCommitting.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<String>> rest = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                int n = i;
                rest.add(pool.submit(() -> group.submit(n)));
            }
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> group.waitingCount() == 10);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("r0");
            for (int i = 0; i < rest.size(); i++) {
                assertThat(rest.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("r" + (i + 1));
            }
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void a_failed_batch_is_retried_one_item_at_a_time_so_only_the_bad_item_fails() {
        AtomicInteger calls = new AtomicInteger();
        GroupCommit<Integer, Integer> group = new GroupCommit<>(items -> {
            calls.incrementAndGet();
            if (items.contains(13)) {
                throw new IllegalArgumentException("unlucky");
            }
            return items;
        }, 64);
        assertThatThrownBy(() -> group.submit(13)).isInstanceOf(IllegalArgumentException.class).hasMessage("unlucky");
        assertThat(group.submit(7)).isEqualTo(7);
        assertThat(calls).hasValue(2);
    }

    @Test
    void concurrent_signals_to_one_store_are_all_recorded_and_exactly_one_per_environment_stays_queued()
            throws Exception {
        JdbcRunStore store = new JdbcRunStore(Database.openSqlite(home).jdbi());
        List<Future<RunStore.Enqueued>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                NewRun r = ServerQueueStoreTest.queued("run-%03d".formatted(i), "env" + (i % 5), i);
                results.add(pool.submit(() -> store.enqueue(r)));
            }
        }
        List<String> superseded = new ArrayList<>();
        for (Future<RunStore.Enqueued> f : results) {
            RunStore.Enqueued e = f.get();
            assertThat(e.run().status()).isEqualTo(RunStatus.QUEUED);
            superseded.addAll(e.supersededIds());
        }
        assertThat(store.list(RunStore.RunQuery.all(1000))).hasSize(200);
        List<Run> queued = store.unfinished();
        assertThat(queued).hasSize(5).allMatch(r -> r.status() == RunStatus.QUEUED);
        assertThat(superseded).as("every other run was superseded exactly once").hasSize(195).doesNotHaveDuplicates();
        for (Run r : queued) {
            assertThat(superseded).doesNotContain(r.id());
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract every backend passes, run by {@code InProcessStoreTest} and {@code RedisStoreTest}:
 * the single calls of {@link StoreBasicsContract}, plus pub/sub and concurrent updates from
 * several threads reaching exact totals.
 */
abstract class SharedStoreContract extends StoreBasicsContract {
    private static final int THREADS = 4;

    @Test
    void concurrentCompareAndSetLoops_reachAnExactTotal() throws Exception {
        int perThread = 150;
        String key = p + "cas";
        AtomicInteger retries = new AtomicInteger();
        runConcurrently(() -> {
            for (int i = 0; i < perThread; i++) {
                while (true) { // the classic optimistic loop: read, compute, swap if unchanged
                    Long cur = sync.get(key, Long.class).orElse(null);
                    if (sync.compareAndSet(key, cur, cur == null ? 1L : cur + 1)) {
                        break;
                    }
                    retries.incrementAndGet();
                }
            }
        });
        assertThat(sync.get(key, Long.class)).contains((long) THREADS * perThread);
    }

    @Test
    void concurrentIncrements_reachAnExactTotal() throws Exception {
        int perThread = 500;
        runConcurrently(() -> {
            for (int i = 0; i < perThread; i++) {
                sync.increment(p + "n");
            }
        });
        assertThat(sync.get(p + "n", Long.class)).contains((long) THREADS * perThread);
    }

    @Test
    void concurrentPutIfAbsent_hasExactlyOneWinner() throws Exception {
        AtomicInteger winners = new AtomicInteger();
        runConcurrently(() -> {
            if (sync.putIfAbsent(p + "lock", Thread.currentThread().getName())) {
                winners.incrementAndGet();
            }
        });
        assertThat(winners).hasValue(1);
    }

    @Test
    void publish_reachesEveryListener_inOrder_untilItsSubscriptionCloses() {
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        Subscription sa = sync.subscribe(p + "ch", String.class, a::add);
        Subscription sb = sync.subscribe(p + "ch", String.class, b::add);
        assertThat(sa.channel()).isEqualTo(p + "ch");
        assertThat(sync.publish(p + "ch", "one")).isPositive();
        sync.publish(p + "ch", "two");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.size() == 2 && b.size() == 2);
        assertThat(a).containsExactly("one", "two");
        sa.close();
        sa.close();
        sync.publish(p + "ch", "three");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.size() == 3);
        assertThat(a).containsExactly("one", "two");
        sb.close();
        assertThat(sync.publish(p + "other", "nobody")).isZero();
    }

    @Test
    void aListenerThatThrows_orAMessageThatCannotBeDecoded_doesNotStopDeliveries() {
        List<Session> got = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        try (Subscription s = sync.subscribe(p + "ch", Session.class, m -> {
            calls.incrementAndGet();
            if (m.visits() == 1) {
                throw new IllegalStateException("listener bug");
            }
            got.add(m);
        })) {
            sync.publish(p + "ch", new Session("a", 1, java.util.Map.of()));
            sync.publish(p + "ch", "not json");
            sync.publish(p + "ch", new Session("b", 2, java.util.Map.of()));
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
            assertThat(got.get(0).user()).isEqualTo("b");
            assertThat(calls).hasValue(2);
        }
    }

    private static void runConcurrently(Runnable body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                fs.add(pool.submit(body));
            }
            for (Future<?> f : fs) {
                f.get(); // bounded by the class's @Timeout; rethrows a worker's failure
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

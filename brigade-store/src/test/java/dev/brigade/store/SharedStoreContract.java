package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

    @Test
    void aBatch_answersEachCallInOrder_andFailsOnlyTheCallThatFailed() {
        StoreBatch b = store.batch();
        CompletableFuture<Boolean> created = b.putIfAbsent(p + "c", "0", Duration.ofMinutes(1));
        CompletableFuture<Long> one = b.increment(p + "c");
        CompletableFuture<Long> two = b.increment(p + "c");
        b.put(p + "text", "x");
        CompletableFuture<Long> bad = b.increment(p + "text");
        CompletableFuture<java.util.Optional<String>> read = b.get(p + "c", String.class);
        CompletableFuture<java.util.Optional<String>> absent = b.get(p + "none", String.class); // consecutive GETs
        CompletableFuture<java.util.Optional<String>> text = b.get(p + "text", String.class);
        assertThat(b.execute()).failsWithin(Duration.ofSeconds(5));
        assertThat(created.join()).isTrue();
        assertThat(one.join()).isEqualTo(1);
        assertThat(two.join()).isEqualTo(2);
        assertThat(read.join()).contains("2");
        assertThat(absent.join()).isEmpty();
        assertThat(text.join()).contains("x");
        assertThat(bad).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(StoreException.class,
                        e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_AN_INTEGER));
        assertThat(sync.ttl(p + "c")).isPresent();

        StoreBatch again = store.batch();
        CompletableFuture<Long> three = again.increment(p + "c");
        sync.execute(again); // the blocking view waits for every answer
        assertThat(three).isCompletedWithValue(3L);
        StoreBatch failing = store.batch();
        failing.increment(p + "text");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync.execute(failing)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_AN_INTEGER));
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

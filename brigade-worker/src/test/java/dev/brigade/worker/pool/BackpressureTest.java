package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(20)
class BackpressureTest {
    @ParameterizedTest(name = "fixed queue: {0}")
    @ValueSource(booleans = {false, true})
    void aFullQueue_failsFast_namingTheLimitAndTheDepth(boolean fixed) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        PoolOptions.Builder b = PoolOptions.builder((Integer i) -> { go.await(); return i; }).threads(2).maxQueueAuto();
        if (fixed) {
            b.taskQueue(TaskQueue.fixed());
        }
        try (WorkerPool pool = WorkerPool.create(b.build())) {
            List<CompletableFuture<Integer>> ok = new ArrayList<>();
            for (int i = 0; i < 6; i++) {          // 2 held by the workers + maxQueue = 2² = 4 queued
                ok.add(pool.run(i));
            }
            assertThat(pool.queueSize()).isEqualTo(4);
            assertThat(pool.needsDrain()).isTrue();
            CompletableFuture<Integer> refused = pool.run(99);
            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).cause().hasMessageContaining("ERR_QUEUE_FULL")
                    .hasMessageContaining("maxQueue=4").hasMessageContaining("queued=4");
            ok.get(5).cancel(true);                // a cancelled queued task frees its place at once
            assertThat(pool.run(7)).isNotCompletedExceptionally();
            CompletableFuture<Void> drained = pool.drain();
            assertThat(drained).isNotDone();
            go.countDown();
            drained.get(5, TimeUnit.SECONDS);
            assertThat(pool.needsDrain()).isFalse();
            assertThat(pool.stats().rejected()).isEqualTo(1);
        }
    }

    @Test
    void concurrentProducersAtTheLimit_neverOvershootIt_andEveryAcceptedTaskRuns() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        int producers = 4;
        int each = 500;
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer i) -> { go.await(); return i; })
                .threads(2).maxQueue(100).build())) {
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<CompletableFuture<Integer>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            CyclicBarrier start = new CyclicBarrier(producers);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < each; i++) {
                        CompletableFuture<Integer> f = pool.run(i);
                        if (f.isCompletedExceptionally()) {
                            refused.incrementAndGet();
                        } else {
                            accepted.incrementAndGet();
                            all.add(f);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(accepted.get()).isEqualTo(102);   // 100 queued + one held by each worker
            assertThat(refused.get()).isEqualTo(producers * each - 102);
            assertThat(pool.queueSize()).isEqualTo(100);
            go.countDown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void maxQueueZero_acceptsOnlyWhatTheWorkersCanHold() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer i) -> { go.await(); return i; })
                .threads(1).concurrentTasksPerWorker(2).maxQueue(0).build())) {
            CompletableFuture<Integer> a = pool.run(1);
            CompletableFuture<Integer> b = pool.run(2);
            assertThat(pool.run(3)).isCompletedExceptionally();
            go.countDown();
            assertThat(a.get(5, TimeUnit.SECONDS) + b.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        }
    }
}

package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hand-offs to idle workers: napping ones are woken when nobody else runs, bursts are never held. */
@Timeout(30)
class WakeUpTest {
    /**
     * Waits (for a state, not for a time) until a worker naps with nothing held. A worker naps
     * for ~2 ms after its last task, then parks for good: if every worker got there first, a
     * task (handed to the idle worker) starts a new nap period.
     */
    private static PoolWorker napping(WorkerPool pool) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            boolean parkedIdle = false;
            for (PoolWorker w : pool.dispatcher().crew.workers()) {
                if (w.load.flagC() && w.load.get() == 0) {
                    return w;
                }
                parkedIdle |= w.load.flagB() && w.load.get() == 0;
            }
            if (parkedIdle) {                      // past its nap period: a task goes to it and starts a new one
                pool.run(1_000).get(5, TimeUnit.SECONDS);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no worker was seen napping");
    }

    @Test
    void aTaskHandedToANappingWorker_whileNoWorkerIsActive_completes() throws Exception {
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer i) -> i + 1).threads(1).build())) {
            pool.run(0).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                napping(pool);
                assertThat(pool.dispatcher().noneActive()).isTrue();
                assertThat(pool.<Integer>run(i).get(5, TimeUnit.SECONDS)).isEqualTo(i + 1);
            }
            assertThat(pool.stats().completed()).isGreaterThanOrEqualTo(201);   // and a task per restarted nap period
        }
    }

    @Test
    void tasksQueuedBehindABusyWorker_whileTheOtherNaps_areRunByTheNapper() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer i) -> {
            if (i < 0) {
                release.await();                   // holds one worker (the other stays idle)
            }
            return i;
        }).threads(2).build())) {
            pool.run(0).get(5, TimeUnit.SECONDS);
            CompletableFuture<Integer> blocker = pool.run(-1);
            for (int round = 0; round < 20; round++) {
                PoolWorker napper;
                do {                               // the idle worker, once it naps with nothing held
                    napper = napping(pool);
                } while (napper.current() != null);
                List<CompletableFuture<Integer>> all = new ArrayList<>();
                for (int i = 0; i < 10; i++) {     // 1 to the napper's inbox, 9 queued: the napper is woken for them
                    all.add(pool.run(i));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
                assertThat(blocker).isNotDone();
            }
            release.countDown();
            assertThat(blocker.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
        }
    }

    @Test
    void burstsAfterIdlePeriods_allComplete_withExactCounts() throws Exception {
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer i) -> i).threads(2).build())) {
            AtomicLong done = new AtomicLong();
            int bursts = 50;
            int size = 500;
            for (int b = 0; b < bursts; b++) {
                if (b % 2 == 1) {
                    napping(pool);                 // every other burst starts while a worker naps
                }
                List<CompletableFuture<Integer>> all = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    all.add(pool.<Integer>run(i).whenComplete((v, e) -> done.incrementAndGet()));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            }
            assertThat(done.get()).isEqualTo((long) bursts * size);
            PoolStats s = pool.stats();
            assertThat(s.completed()).isGreaterThanOrEqualTo((long) bursts * size);   // + napping()'s restarts
            assertThat(s.runTime().count()).isEqualTo(s.completed());
            assertThat(s.waitTime().count()).isEqualTo(s.completed());
            assertThat(s.queued()).isZero();
        }
    }
}

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
     * Waits (for a state, not for a time) until a worker naps with nothing held; if asked, while no
     * worker is active (running a task or spinning: an idle worker spins again between naps). A
     * worker naps for ~2 ms after its last task, then parks for good: if every worker got there
     * first, a task (handed to the idle worker) starts a new nap period. This thread keeps
     * watching while that task runs rather than blocking on it: woken from a blocking wait, on a
     * loaded machine it may run again only after the 2 ms are over, every time.
     */
    private static PoolWorker napping(WorkerPool pool, boolean noneActive) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        CompletableFuture<Integer> restart = null;
        while (System.nanoTime() < deadline) {
            boolean parkedIdle = false;
            for (PoolWorker w : pool.dispatcher().crew.workers()) {
                if (w.load.flagC() && w.load.get() == 0 && (!noneActive || pool.dispatcher().noneActive())) {
                    return w;                                             // (a napper spins again between naps)
                }
                parkedIdle |= w.load.flagB() && w.load.get() == 0;
            }
            if (parkedIdle && (restart == null || restart.isDone())) {   // past its nap period: start a new one
                if (restart != null) {
                    restart.get();                                        // a failed task fails the test
                }
                restart = pool.run(1_000);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no worker was seen napping");
    }

    @Test
    void aTaskHandedToANappingWorker_whileNoWorkerIsActive_completes() throws Exception {
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer i) -> i + 1).threads(1).build())) {
            pool.run(0).get(5, TimeUnit.SECONDS);
            // 200 rounds; on a busy machine (catching that state took 0.1-0.5 s with three CPU hogs on
            // two cores) as many as fit in 10 s, at least 10
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int i = 0;
            for (; i < 200 && (i < 10 || System.nanoTime() < end); i++) {
                napping(pool, true);               // napping, and no worker active: the producer must wake it
                assertThat(pool.<Integer>run(i).get(5, TimeUnit.SECONDS)).isEqualTo(i + 1);
            }
            assertThat(pool.stats().completed()).isGreaterThanOrEqualTo(i + 1L);   // and a task per restarted nap period
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
                    napper = napping(pool, false); // the other worker is active: it runs the blocker
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
                    napping(pool, false);          // every other burst starts while a worker naps
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

package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class StatsTest {
    static int work(int n) {
        long deadline = System.nanoTime() + n * 1000L;
        int spins = 0;
        while (System.nanoTime() < deadline) {
            spins++;
        }
        return spins;
    }

    @Test
    void stats_countTasks_andSummariseRunAndWaitTimes_perWorkerToo() throws Exception {
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer n) -> work(n)).threads(2).build())) {
            List<CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(pool.run(50));                        // 50 µs each
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            PoolStats s = pool.stats();
            assertThat(s.completed()).isEqualTo(200);
            assertThat(s.queued()).isZero();
            assertThat(s.threads()).isEqualTo(2);
            assertThat(s.runTime().count()).isEqualTo(200);
            assertThat(s.runTime().p50()).isBetween(50.0, 5_000.0);
            assertThat(s.runTime().min()).isLessThanOrEqualTo(s.runTime().p50());
            assertThat(s.runTime().p999()).isLessThanOrEqualTo(s.runTime().max() * 1.01);
            assertThat(s.waitTime().count()).isEqualTo(200);
            assertThat(s.waitTime().p99()).isGreaterThan(s.waitTime().min());
            assertThat(s.utilization()).isGreaterThan(0).isLessThanOrEqualTo(1);
            assertThat(s.workers()).hasSize(2);
            assertThat(s.workers().stream().mapToLong(PoolStats.WorkerStats::completed).sum()).isEqualTo(200);
            assertThat(pool.stats().completed()).isEqualTo(200);   // snapshots accumulate, not reset
        }
    }

    @Test
    void micrometer_exportsTheFigures() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer n) -> n).threads(1).build())) {
            new PoolMetrics(pool, "test").bindTo(registry);   // as the javadoc shows: the binder is dropped
            for (int i = 0; i < 10; i++) {
                pool.run(i).get(5, TimeUnit.SECONDS);
            }
            collectWeaklyHeldObjects();   // Micrometer holds meter state weakly: the figures must survive a GC
            assertThat(registry.get("brigade.pool.tasks.completed").tag("pool", "test").functionCounter().count()).isEqualTo(10);
            assertThat(registry.get("brigade.pool.threads").gauge().value()).isEqualTo(1);
            assertThat(registry.get("brigade.pool.run.time").tag("stat", "p99").gauge().value()).isGreaterThan(0);
            assertThat(registry.get("brigade.pool.utilization").gauge().value()).isGreaterThan(0);
        }
    }

    private static void collectWeaklyHeldObjects() throws InterruptedException {
        WeakReference<Object> canary = new WeakReference<>(new Object());
        for (int i = 0; i < 50 && canary.get() != null; i++) {
            System.gc();
        }
        assertThat(canary.get()).as("a weakly held object was collected").isNull();
    }
}

package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.brigade.worker.WorkerContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LifecycleTest {
    static final CountDownLatch NEVER = new CountDownLatch(1);

    static Object behave(String what) throws Exception {
        switch (what) {
            case "exit" -> WorkerContext.current().exit(3);
            case "block" -> NEVER.await();
            default -> { }
        }
        return what;
    }

    @Test
    void close_letsQueuedAndRunningTasksFinish_thenRefusesNewOnes() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        WorkerPool pool = WorkerPool.create(PoolOptions.builder((String s) -> { go.await(); return s; }).threads(2).build());
        List<CompletableFuture<String>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(pool.run("t" + i));
        }
        CompletableFuture<Void> closed = pool.close(Duration.ofSeconds(10));
        assertThatThrownBy(() -> pool.run("late").get(5, TimeUnit.SECONDS)).cause().hasMessageContaining("ERR_POOL_CLOSED");
        assertThat(closed).isNotDone();
        go.countDown();
        closed.get(10, TimeUnit.SECONDS);
        assertThat(all).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(pool.threads()).isZero();
        assertThat(pool.close(Duration.ofSeconds(1))).isSameAs(closed);   // idempotent
    }

    @Test
    void closeTimeout_failsWhatIsLeft_namingHowMany() throws Exception {
        WorkerPool pool = WorkerPool.create(PoolOptions.builder((String s) -> behave(s)).threads(1)
                .cancelGrace(Duration.ofMillis(100)).build());
        CompletableFuture<Object> running = pool.run("block");
        CompletableFuture<Object> queued = pool.run("x");
        CompletableFuture<Object> queued2 = pool.run("y");
        assertThatThrownBy(() -> pool.close(Duration.ofMillis(100)).get(10, TimeUnit.SECONDS)).cause()
                .hasMessageContaining("ERR_CLOSE_TIMEOUT").hasMessageContaining("failing 3 unfinished tasks (queued=2");
        for (CompletableFuture<Object> f : List.of(running, queued, queued2)) {
            assertThatThrownBy(f::join).cause().hasMessageContaining("ERR_CLOSE_TIMEOUT");
        }
    }

    @Test
    void destroy_failsEverythingAtOnce_andIsIdempotent() throws Exception {
        WorkerPool pool = WorkerPool.create(PoolOptions.builder((String s) -> behave(s)).threads(1).build());
        CompletableFuture<Object> running = pool.run("block");
        CompletableFuture<Object> queued = pool.run("x");
        CompletableFuture<Void> d = pool.destroy();
        d.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(running::join).cause().hasMessageContaining("ERR_POOL_DESTROYED");
        assertThatThrownBy(queued::join).cause().hasMessageContaining("ERR_POOL_DESTROYED");
        pool.destroy().get(5, TimeUnit.SECONDS);
        pool.close();
        assertThatThrownBy(() -> pool.run("x").join()).cause().hasMessageContaining("ERR_POOL_DESTROYED");
    }

    @Test
    void closeAndDestroy_fromInsideATask_doNotDeadlock() throws Exception {
        AtomicReference<WorkerPool> self = new AtomicReference<>();
        WorkerPool pool = WorkerPool.create(PoolOptions.builder((String s) -> {
            if (s.equals("close")) {
                self.get().close();
            } else {
                self.get().destroy();
            }
            return s;
        }).threads(1).build());
        self.set(pool);
        assertThat(pool.<String>run("close").get(5, TimeUnit.SECONDS)).isEqualTo("close");
        pool.close(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);

        WorkerPool other = WorkerPool.create(PoolOptions.builder((String s) -> { self.get().destroy(); return s; }).threads(1).build());
        self.set(other);
        CompletableFuture<String> f = other.run("destroy");
        other.destroy().get(5, TimeUnit.SECONDS);
        assertThat(f).isDone();
    }

    @Test
    void aWorkerThatDiesMidTask_failsOnlyThatTask_andIsReplaced() throws Exception {
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((String s) -> behave(s)).threads(1)
                .concurrentTasksPerWorker(4).build())) {
            CompletableFuture<Object> dies = pool.run("exit");
            List<CompletableFuture<Object>> others = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                others.add(pool.run("ok" + i));
            }
            assertThatThrownBy(() -> dies.get(5, TimeUnit.SECONDS)).cause().hasMessageContaining("ERR_WORKER_DIED");
            for (int i = 0; i < 50; i++) {
                assertThat(others.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("ok" + i);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.threads() == 1);
        }
    }

    @Test
    void idleTimeoutUnderChurn_neverStrandsATask() throws Exception {
        // Piscina shipped a race where a task handed to a worker whose idle timeout had just fired
        // was lost. Here workers retire after 1 µs idle, constantly, while bursts keep arriving.
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer i) -> i).minThreads(0).maxThreads(2)
                .idleTimeout(Duration.ofNanos(1000)).build())) {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int round = 0; round < 1500; round++) {
                List<CompletableFuture<Integer>> burst = new ArrayList<>();
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    burst.add(pool.run(i));
                }
                for (CompletableFuture<Integer> f : burst) {
                    f.get(5, TimeUnit.SECONDS);
                }
                LockSupport.parkNanos(rnd.nextInt(100_000));   // jitter, so retirements meet arrivals
            }
            assertThat(pool.threads()).isBetween(0, 2);
        }
    }

    @Test
    void closeWhileTheLastWorkerRetires_endsAtOnce() throws Exception {
        // close() used to wait for its whole timeout when the last worker was retiring as it came:
        // the retiring worker blocked the "nothing left" check, and its leaving did not repeat it.
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int round = 0; round < 400; round++) {
            WorkerPool pool = WorkerPool.create(PoolOptions.builder((Integer i) -> i).minThreads(0).maxThreads(1)
                    .idleTimeout(Duration.ofNanos(1000)).build());
            pool.run(round).get(5, TimeUnit.SECONDS);
            LockSupport.parkNanos(rnd.nextInt(200_000));   // land the close anywhere in the worker's retirement
            try {
                pool.close(Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("close() still waiting after 5 s in round " + round + ": " + pool.stats(), e);
            }
        }
    }
}

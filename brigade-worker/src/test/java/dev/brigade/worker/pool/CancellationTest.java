package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class CancellationTest {
    /** Blocks (interruptibly) until released; "spin" never yields and ignores interrupts. */
    static final class Gate {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean interrupted = new AtomicBoolean();
        volatile boolean spinning = true;

        Object handle(String what) throws Exception {
            started.countDown();
            switch (what) {
                case "block" -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        throw e;
                    }
                }
                case "spin" -> {
                    while (spinning) {
                        Thread.onSpinWait();   // never blocks, never looks at interrupts
                    }
                }
                default -> { }
            }
            return what;
        }
    }

    static WorkerPool onePool(Gate g) {
        return WorkerPool.create(PoolOptions.builder((String s) -> g.handle(s)).threads(1)
                .cancelGrace(Duration.ofMillis(100)).build());
    }

    @Test
    void cancellingAQueuedTask_removesItAtOnce_andItNeverRuns() throws Exception {
        Gate g = new Gate();
        try (WorkerPool pool = onePool(g)) {
            CompletableFuture<Object> running = pool.run("block");
            g.started.await();
            CompletableFuture<Object> queued = pool.run("never");
            assertThat(pool.queueSize()).isEqualTo(1);
            assertThat(queued.cancel(true)).isTrue();
            assertThat(pool.queueSize()).isZero();
            g.release.countDown();
            assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("block");
            assertThat(pool.<String>run("after").get(5, TimeUnit.SECONDS)).isEqualTo("after");
            assertThat(pool.stats().completed()).isEqualTo(2);   // "never" did not run
        }
    }

    @Test
    void cancellingARunningTask_interruptsIt_andTheWorkerGoesOn() throws Exception {
        Gate g = new Gate();
        try (WorkerPool pool = onePool(g)) {
            CompletableFuture<Object> f = pool.run("block");
            g.started.await();
            f.cancel(true);
            assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
            await().atMost(Duration.ofSeconds(5)).untilTrue(g.interrupted);
            assertThat(pool.<String>run("next").get(5, TimeUnit.SECONDS)).isEqualTo("next");
        }
    }

    @Test
    void aTaskThatNeverYields_isAbandonedAfterTheGrace_andAFreshWorkerKeepsTheCapacity() throws Exception {
        Gate g = new Gate();
        WorkerPool pool = onePool(g);
        try {
            CompletableFuture<Object> stuck = pool.run("spin");
            g.started.await();
            CompletableFuture<Object> queued = pool.run("queued");   // waits behind the stuck task
            stuck.cancel(true);
            assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("queued");
            assertThat(pool.threads()).isEqualTo(1);
            assertThat(pool.stats().workers()).extracting(PoolStats.WorkerStats::name).containsExactly("pool-2");
        } finally {
            g.spinning = false;
            pool.destroy().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void oneAbortSignal_cancelsEveryTaskItWasGiven() throws Exception {
        Gate g = new Gate();
        try (WorkerPool pool = onePool(g)) {
            AbortController ac = new AbortController();
            RunOptions o = RunOptions.builder().signal(ac.signal()).build();
            CompletableFuture<Object> running = pool.run("block", o);
            g.started.await();
            CompletableFuture<Object> queued = pool.run("x", o);
            ac.abort("user left");
            for (CompletableFuture<Object> f : java.util.List.of(running, queued)) {
                assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(PoolException.class)
                        .hasMessageContaining("ERR_TASK_ABORTED").hasMessageContaining("user left");
            }
            assertThat(pool.queueSize()).isZero();
            assertThatThrownBy(() -> pool.run("late", o).get(5, TimeUnit.SECONDS)).cause()
                    .hasMessageContaining("ERR_TASK_ABORTED");
            await().atMost(Duration.ofSeconds(5)).untilTrue(g.interrupted);
        }
    }

    @Test
    void aTimeout_failsAQueuedTaskAndARunningOne_namingWhereEachWas() throws Exception {
        Gate g = new Gate();
        try (WorkerPool pool = onePool(g)) {
            RunOptions o = RunOptions.builder().timeout(Duration.ofMillis(50)).build();
            CompletableFuture<Object> running = pool.run("block");
            g.started.await();
            CompletableFuture<Object> queued = pool.run("x", o);
            assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS)).cause().hasMessageContaining("ERR_TASK_TIMEOUT")
                    .hasMessageContaining("50 ms").hasMessageContaining("waiting in the queue");
            g.release.countDown();
            assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("block");
            Gate g2 = new Gate();
            try (WorkerPool pool2 = onePool(g2)) {
                // long enough that a loaded machine still starts the task before the timeout fires
                RunOptions running2s = RunOptions.builder().timeout(Duration.ofSeconds(2)).build();
                CompletableFuture<Object> slow = pool2.run("block", running2s);
                g2.started.await();
                assertThatThrownBy(() -> slow.get(10, TimeUnit.SECONDS)).cause().hasMessageContaining("ERR_TASK_TIMEOUT")
                        .hasMessageContaining("running on pool-1");
                await().atMost(Duration.ofSeconds(5)).untilTrue(g2.interrupted);
                assertThat(pool2.<String>run("y").get(5, TimeUnit.SECONDS)).isEqualTo("y");
            }
        }
    }

    @Test
    void cancelWithoutInterrupt_letsTheTaskFinish_butDiscardsItsResult() throws Exception {
        Gate g = new Gate();
        try (WorkerPool pool = onePool(g)) {
            CompletableFuture<Object> f = pool.run("block");
            g.started.await();
            f.cancel(false);
            g.release.countDown();
            assertThat(pool.<String>run("next").get(5, TimeUnit.SECONDS)).isEqualTo("next");
            assertThat(g.interrupted).isFalse();
            assertThat(f).isCancelled();
        }
    }
}

package dev.brigade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class AtomicsTest {
    private static final int THREADS = 4;

    /** Runs {@code body(threadIndex)} on THREADS workers at once and waits for all of them. */
    private static void contend(WorkerEntryWithIndex body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Worker> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int index = t;
            workers.add(Worker.start(ctx -> {
                start.await();
                body.run(index);
            }));
        }
        start.countDown();
        for (Worker w : workers) {
            assertThat(w.exited().get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    interface WorkerEntryWithIndex {
        void run(int index) throws Exception;
    }

    @Test
    void everyOperation_returnsTheOldValue_likeNode() {
        Int32Array a = SharedBuffer.allocate(16).int32();
        assertThat(Atomics.store(a, 0, 5)).isEqualTo(5);
        assertThat(Atomics.add(a, 0, 3)).isEqualTo(5);
        assertThat(Atomics.sub(a, 0, 1)).isEqualTo(8);
        assertThat(Atomics.and(a, 0, 0b110)).isEqualTo(7);
        assertThat(Atomics.or(a, 0, 0b1001)).isEqualTo(0b110);
        assertThat(Atomics.xor(a, 0, 0b1)).isEqualTo(0b1111);
        assertThat(Atomics.exchange(a, 0, 100)).isEqualTo(0b1110);
        assertThat(Atomics.compareExchange(a, 0, 99, 1)).isEqualTo(100);
        assertThat(Atomics.load(a, 0)).isEqualTo(100);
        assertThat(Atomics.compareExchange(a, 0, 100, 1)).isEqualTo(100);
        assertThat(Atomics.load(a, 0)).isEqualTo(1);

        Int64Array l = SharedBuffer.allocate(16).int64();
        assertThat(Atomics.store(l, 1, Long.MAX_VALUE - 1)).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(Atomics.add(l, 1, 1)).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(Atomics.sub(l, 1, 2)).isEqualTo(Long.MAX_VALUE);
        assertThat(Atomics.and(l, 1, 0xF0)).isEqualTo(Long.MAX_VALUE - 2);
        assertThat(Atomics.or(l, 1, 0x0F)).isEqualTo(0xF0);
        assertThat(Atomics.xor(l, 1, 0xFF)).isEqualTo(0xFF);
        assertThat(Atomics.exchange(l, 1, -1)).isEqualTo(0);
        assertThat(Atomics.compareExchange(l, 1, -1, 7)).isEqualTo(-1);
        assertThat(Atomics.load(l, 1)).isEqualTo(7);
    }

    @Test
    void readModifyWrites_areExactUnderContention() throws Exception {
        SharedBuffer sb = SharedBuffer.allocate(64);
        Int32Array a = sb.int32();
        Int64Array l = sb.int64(32, 4);
        int rounds = 100_000;
        contend(t -> {
            for (int i = 0; i < rounds; i++) {
                Atomics.add(a, 0, 2);
                Atomics.sub(a, 1, 1);
                Atomics.add(l, 0, 3);
                int seen;
                do {
                    seen = Atomics.load(a, 2);
                } while (Atomics.compareExchange(a, 2, seen, seen + 1) != seen);
                Atomics.xor(a, 4, 1);
            }
            Atomics.or(a, 3, 1 << t);
            Atomics.and(l, 1, ~(1L << t));
            Atomics.exchange(a, 5, t + 1);
        });
        long total = (long) THREADS * rounds;
        assertThat(Atomics.load(a, 0)).isEqualTo(2 * total);
        assertThat(Atomics.load(a, 1)).isEqualTo(-total);
        assertThat(Atomics.load(l, 0)).isEqualTo(3 * total);
        assertThat(Atomics.load(a, 2)).isEqualTo(total);
        assertThat(Atomics.load(a, 3)).isEqualTo((1 << THREADS) - 1);
        assertThat(Atomics.load(a, 4)).as("an even number of xor 1").isZero();
        assertThat(Atomics.load(a, 5)).isBetween(1, THREADS);
    }

    @Test
    void wait_returnsNotEqual_timedOut_orOk() throws Exception {
        Int32Array a = SharedBuffer.allocate(8).int32();
        assertThat(Atomics.wait(a, 0, 1, Duration.ofSeconds(1))).isEqualTo(WaitResult.NOT_EQUAL);
        assertThat(Atomics.wait(a, 0, 0, Duration.ofMillis(20))).isEqualTo(WaitResult.TIMED_OUT);

        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<WaitResult> r = new CompletableFuture<>();
        Worker w = Worker.start(ctx -> {
            waiting.countDown();
            r.complete(Atomics.wait(a, 1, 0, Duration.ofSeconds(20)));
        });
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        int woken = 0;
        while (woken == 0) { // the worker may not have reached wait() yet: notify until it is woken
            Atomics.store(a, 1, 1);
            woken = Atomics.notify(a, 1, 1);
            Atomics.store(a, 1, 0);
            if (r.isDone()) {
                break;
            }
        }
        assertThat(r.get(10, TimeUnit.SECONDS)).isIn(WaitResult.OK, WaitResult.NOT_EQUAL);
        assertThat(w.exited().get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void notify_wakesAtMostCount_oldestFirst_andReportsHowMany() throws Exception {
        Int32Array a = SharedBuffer.allocate(8).int32();
        assertThat(Atomics.notify(a, 0, 5)).as("nobody waits").isZero();
        List<CompletableFuture<WaitResult>> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waits.add(Atomics.waitAsync(a, 0, 0, Duration.ofSeconds(20)));
        }
        assertThat(Atomics.notify(a, 0, 2)).isEqualTo(2);
        assertThat(waits.get(0).get(5, TimeUnit.SECONDS)).isEqualTo(WaitResult.OK);
        assertThat(waits.get(1).get(5, TimeUnit.SECONDS)).isEqualTo(WaitResult.OK);
        assertThat(waits.get(2)).isNotDone();
        assertThat(Atomics.notify(a, 1, Integer.MAX_VALUE)).as("another index").isZero();
        assertThat(Atomics.notify(a, 0, Integer.MAX_VALUE)).isEqualTo(1);
        assertThat(waits.get(2).get(5, TimeUnit.SECONDS)).isEqualTo(WaitResult.OK);
    }

    @Test
    void waitAsync_notEqualAtOnce_orTimesOut() throws Exception {
        Int64Array l = SharedBuffer.allocate(16).int64();
        assertThat(Atomics.waitAsync(l, 0, 5, Duration.ofSeconds(1))).isCompletedWithValue(WaitResult.NOT_EQUAL);
        assertThat(Atomics.waitAsync(l, 0, 0, Duration.ofMillis(20)).get(5, TimeUnit.SECONDS)).isEqualTo(WaitResult.TIMED_OUT);
        assertThat(Atomics.notify(l, 0, 1)).as("the timed-out waiter left the queue").isZero();
    }

    @Test
    void pingPong_overWaitAndNotify_losesNoWakeUpUnderContention() throws Exception {
        Int32Array turn = SharedBuffer.allocate(4).int32();
        int rounds = 20_000;
        WorkerEntry player = ctx -> {
            int me = (Integer) ctx.workerData();
            for (int i = 0; i < rounds; i++) {
                while (Atomics.load(turn, 0) != me) {
                    Atomics.wait(turn, 0, 1 - me, Duration.ofSeconds(10));
                }
                Atomics.store(turn, 0, 1 - me);
                Atomics.notify(turn, 0, 1);
            }
        };
        Worker a = Worker.start(player, WorkerOptions.builder().workerData(0).build());
        Worker b = Worker.start(player, WorkerOptions.builder().workerData(1).build());
        assertThat(a.exited().get(50, TimeUnit.SECONDS)).isZero();
        assertThat(b.exited().get(50, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void terminate_interruptsAWorkerBlockedInWait() throws Exception {
        Int32Array a = SharedBuffer.allocate(4).int32();
        CountDownLatch about = new CountDownLatch(1);
        Worker w = Worker.start(ctx -> {
            about.countDown();
            Atomics.wait(a, 0, 0);
        });
        assertThat(about.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(w.terminate().get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(Atomics.notify(a, 0, 1)).as("the interrupted waiter left the queue").isZero();
    }

    @Test
    void outOfRangeIndexesAndBadViews_areClearErrors() {
        SharedBuffer sb = SharedBuffer.allocate(16);
        Int32Array a = sb.int32();
        assertThatThrownBy(() -> Atomics.wait(a, 4, 0, Duration.ofMillis(1)))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("index 4 out of range for Int32Array of length 4");
        assertThatThrownBy(() -> Atomics.add(sb.int64(), -1, 1)).hasMessage("index -1 out of range for Int64Array of length 2");
        assertThatThrownBy(() -> Atomics.notify(a, 9, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sb.int64(4, 1)).hasMessageContaining("byteOffset must be a non-negative multiple of 8, got 4");
        assertThatThrownBy(() -> sb.int32(8, 3)).hasMessageContaining("does not fit in a SharedBuffer of 16 bytes");
        assertThatThrownBy(() -> SharedBuffer.allocate(-1)).hasMessageContaining("byteLength must be >= 0, got -1");
    }

    @Test
    void sharedBuffer_isTheSameMemoryInEveryWorker() throws Exception {
        SharedBuffer sb = SharedBuffer.allocate(8);
        Worker w = Worker.start(ctx -> Atomics.store(((SharedBuffer) ctx.workerData()).int32(), 1, 42),
                WorkerOptions.builder().workerData(sb).build());
        assertThat(w.exited().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(Atomics.load(sb.int32(), 1)).isEqualTo(42);
        assertThat(sb.byteBuffer().getInt(4)).isEqualTo(42);
    }
}

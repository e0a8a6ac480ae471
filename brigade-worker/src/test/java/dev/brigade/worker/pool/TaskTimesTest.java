package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ring the worker records into: every value counted exactly once, whoever moves it. */
@Timeout(30)
class TaskTimesTest {
    @Test
    void everyValueIsCountedOnce_whileAReaderDrainsConcurrently() throws Exception {
        TaskTimes times = new TaskTimes();
        Histogram run = new Histogram(3);
        Histogram wait = new Histogram(3);
        int n = 2_000_000;
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch drained = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= n; i++) {
                times.record(i % 7 == 0 ? -1 : i % 1000, 1000 + i % 500);   // every 7th: an async task (wait only)
                if (i == n / 2) {
                    awaitQuietly(drained);     // the second half is written while the reader drains
                }
            }
            writing.set(false);
        });
        writer.start();
        int drains = 0;
        while (writing.get()) {                // the reader races the writer: its copy may be overwritten, then it retries
            times.drainInto(run, wait);
            drains++;
            drained.countDown();
        }
        writer.join();
        times.drainInto(run, wait);
        assertThat(drains).isPositive();
        assertThat(wait.getTotalCount()).isEqualTo(n);
        assertThat(run.getTotalCount()).isEqualTo(n - n / 7);
        assertThat(wait.getMinValue()).isEqualTo(1000);
        assertThat(wait.getMaxValue()).isBetween(1499L, 1500L);    // 3 significant digits
        times.drainInto(run, wait);            // nothing left: idempotent
        assertThat(wait.getTotalCount()).isEqualTo(n);
    }

    @Test
    void aFullRingIsFlushedByTheWriter_andTheReaderTakesBoth() {
        TaskTimes times = new TaskTimes();
        for (int i = 0; i < 1000; i++) {       // many times the ring's size, nobody reading
            times.record(5_000, 7_000);
        }
        Histogram run = new Histogram(3);
        Histogram wait = new Histogram(3);
        times.drainInto(run, wait);
        assertThat(run.getTotalCount()).isEqualTo(1000);
        assertThat(wait.getTotalCount()).isEqualTo(1000);
        times.record(-1, 3);
        times.drainInto(run, wait);
        assertThat(run.getTotalCount()).isEqualTo(1000);
        assertThat(wait.getTotalCount()).isEqualTo(1001);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

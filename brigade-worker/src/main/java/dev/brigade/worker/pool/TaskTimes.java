package dev.brigade.worker.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * A worker's run and wait times: one writer (the worker), occasional readers (a stats snapshot,
 * the worker leaving; readers are serialized by {@link Stats}).
 *
 * <p>Per task the worker only appends the two values to a small ring (plain writes and one
 * release write of the head: no atomic instruction, no fence). Entries between {@code tail} and
 * {@code head} are unconsumed; they are moved to histograms by whoever claims them with a CAS on
 * {@code tail}: the worker when the ring is full (into its own histograms, inside one critical
 * section of a {@link WriterReaderPhaser}, so a reader never blocks it), or a reader, which takes
 * the ring's entries straight into its totals and then swaps the worker's histograms out.
 *
 * <p>A reader copies the entries first and claims them after: if its CAS succeeds, {@code tail}
 * had not moved, so the worker (which only writes slots below {@code tail + SIZE}) cannot have
 * overwritten what it copied; if it fails, it copies again. Every recorded value is therefore
 * counted exactly once, and a value recorded before a task's future completed is in every
 * snapshot taken after (the figures are exact once the pool is quiet).
 */
final class TaskTimes {
    private static final int SIZE = 64;                  // entries; a power of two
    private static final int HEAD = 8;                   // index of the head in ring: 64 bytes from the array header
    private static final int FIRST = 16;                 // index of the first entry (run, wait pairs)
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private final long[] ring = new long[FIRST + 2 * SIZE + 8];
    private final AtomicLong tail = new AtomicLong();
    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private volatile Histogram activeRun = new Histogram(3);
    private volatile Histogram activeWait = new Histogram(3);
    private Histogram spareRun = new Histogram(3);        // guarded by the reader lock
    private Histogram spareWait = new Histogram(3);       // guarded by the reader lock
    private long[] copy = new long[2 * SIZE];             // a reader's copy of the ring (readers are serialized)

    /** Called by the worker only. A negative {@code runNanos} records the wait only (an asynchronous task). */
    void record(long runNanos, long waitNanos) {
        long h = ring[HEAD];                              // written by this thread only
        if (h - tail.get() >= SIZE) {
            flush(h);
        }
        int i = FIRST + 2 * (int) (h & (SIZE - 1));
        ring[i] = runNanos;
        ring[i + 1] = Math.max(0, waitNanos);
        LONGS.setRelease(ring, HEAD, h + 1);
    }

    /** The worker moves the unconsumed entries to its histograms. */
    private void flush(long h) {
        long c = phaser.writerCriticalSectionEnter();
        try {
            long t;
            do {
                t = tail.get();
            } while (!tail.compareAndSet(t, h));
            Histogram run = activeRun;
            Histogram wait = activeWait;
            for (long k = t; k < h; k++) {
                int i = FIRST + 2 * (int) (k & (SIZE - 1));
                if (ring[i] >= 0) {
                    run.recordValue(ring[i]);
                }
                wait.recordValue(ring[i + 1]);
            }
        } finally {
            phaser.writerCriticalSectionExit(c);
        }
    }

    /** Adds what was recorded since the last call to {@code run} and {@code wait}. Readers are serialized by the caller. */
    void drainInto(Histogram run, Histogram wait) {
        for (;;) {
            long t = tail.get();
            long h = (long) LONGS.getAcquire(ring, HEAD);
            long n0 = h - t;
            if (n0 < 0 || n0 > SIZE) {                   // tail moved between the two reads: look again
                continue;
            }
            int n = (int) n0;
            for (int k = 0; k < n; k++) {
                int i = FIRST + 2 * (int) ((t + k) & (SIZE - 1));
                copy[2 * k] = ring[i];
                copy[2 * k + 1] = ring[i + 1];
            }
            if (tail.compareAndSet(t, h)) {
                for (int k = 0; k < n; k++) {
                    if (copy[2 * k] >= 0) {
                        run.recordValue(copy[2 * k]);
                    }
                    wait.recordValue(copy[2 * k + 1]);
                }
                break;
            }
        }
        phaser.readerLock();
        try {
            spareRun.reset();
            spareWait.reset();
            Histogram r = activeRun;
            Histogram w = activeWait;
            activeRun = spareRun;
            activeWait = spareWait;
            spareRun = r;
            spareWait = w;
            phaser.flipPhase();
            run.add(r);
            wait.add(w);
        } finally {
            phaser.readerUnlock();
        }
    }
}

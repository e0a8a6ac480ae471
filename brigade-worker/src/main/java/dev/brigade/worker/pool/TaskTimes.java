package dev.brigade.worker.pool;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * A worker's run and wait times: one writer (the worker), occasional readers (a stats snapshot,
 * the worker leaving). Both values of a task are recorded inside one critical section of a
 * {@link WriterReaderPhaser}, so a task costs two uncontended atomic increments (two recorders
 * would cost four), and a reader never blocks the writer.
 */
final class TaskTimes {
    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private volatile Histogram activeRun = new Histogram(3);
    private volatile Histogram activeWait = new Histogram(3);
    private Histogram spareRun = new Histogram(3);        // guarded by the reader lock
    private Histogram spareWait = new Histogram(3);       // guarded by the reader lock

    /** Called by the worker only. */
    void record(long runNanos, long waitNanos) {
        long c = phaser.writerCriticalSectionEnter();
        try {
            if (runNanos >= 0) {                // an asynchronous task's run time is recorded when it completes
                activeRun.recordValue(runNanos);
            }
            activeWait.recordValue(Math.max(0, waitNanos));
        } finally {
            phaser.writerCriticalSectionExit(c);
        }
    }

    /** Adds what was recorded since the last call to {@code run} and {@code wait}. */
    void drainInto(Histogram run, Histogram wait) {
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

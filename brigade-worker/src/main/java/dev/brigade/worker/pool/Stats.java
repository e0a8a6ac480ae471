package dev.brigade.worker.pool;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Accumulates the figures. Each worker records into its own single-writer HdrHistogram
 * recorders (no contention on the task path); a snapshot, or a worker leaving, folds their
 * intervals into the totals here.
 */
final class Stats {
    private final long startNanos = System.nanoTime();
    private final Histogram run = new Histogram(3);     // guarded by this
    private final Histogram wait = new Histogram(3);    // guarded by this
    private long foldedCompleted;                      // guarded by this
    private long foldedRunNanos;                       // guarded by this

    synchronized void fold(PoolWorker w) {
        w.times.drainInto(run, wait);
        foldedCompleted += w.completed();
        foldedRunNanos += w.runNanos();
    }

    synchronized PoolStats snapshot(Dispatcher pool) {
        long completed = foldedCompleted + pool.asyncDone.sum();
        long runNanos = foldedRunNanos;
        int held = 0;
        List<PoolStats.WorkerStats> per = new ArrayList<>();
        for (PoolWorker w : pool.crew.workers()) {
            w.times.drainInto(run, wait);
            long c = w.completed();
            completed += c;
            runNanos += w.runNanos();
            int l = w.load.get();
            int h = l >= 0 ? l : l - PoolWorker.RETIRED;
            held += h;
            per.add(new PoolStats.WorkerStats(pool.name + "-" + w.id, c, h));
        }
        Histogram async = pool.asyncRunTimes.getIntervalHistogram();
        run.add(async);
        runNanos += (long) (async.getMean() * async.getTotalCount());
        foldedRunNanos += (long) (async.getMean() * async.getTotalCount());
        long elapsed = Math.max(1, System.nanoTime() - startNanos);
        double utilization = Math.min(1.0, runNanos / ((double) elapsed * pool.options.maxThreads()));
        return new PoolStats(completed, pool.failed.sum(), pool.rejected.sum(), Math.max(0, pool.queued.get()), held,
                pool.crew.live(), utilization, PoolStats.TimeSummary.of(run), PoolStats.TimeSummary.of(wait), List.copyOf(per));
    }
}

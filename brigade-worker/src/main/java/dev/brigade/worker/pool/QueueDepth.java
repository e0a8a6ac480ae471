package dev.brigade.worker.pool;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * How many tasks wait in the pending queue, kept as counters on separate cache lines: tasks
 * counted in (by producers, and by a requeue), and tasks counted out, in one stripe per worker
 * (the worker that claims a queued task) plus one for everyone else (a canceller, a sweep, a
 * producer moving a task). One shared counter that producers increment and workers decrement
 * moves its cache line between cores on every task, twice; with these a lone producer keeps
 * its line and each worker keeps its own.
 *
 * <p>The depth is {@code in - sum(out)}. Every task is counted out only after it was counted in,
 * so reading the out stripes first gives a depth that is never negative (it may include a task
 * counted in meanwhile). The counters wrap around harmlessly: only the difference is used.
 */
final class QueueDepth {
    private static final int STRIDE = 16;                // ints per line
    private final HotLine in = new HotLine();
    private final int stripes;                           // worker stripes: a power of two
    private final AtomicIntegerArray out;                // stripe s at (s + 1) * STRIDE; stripe 0: not a worker

    QueueDepth(int workers) {
        int s = 1;
        while (s < Math.min(workers, 64)) {
            s <<= 1;
        }
        stripes = s;
        out = new AtomicIntegerArray((stripes + 3) * STRIDE);
    }

    /** The out stripe of the worker with this id. */
    int stripeOf(int workerId) {
        return 1 + (workerId & (stripes - 1));
    }

    /** Tasks waiting now. */
    int get() {
        int o = 0;
        for (int s = 0; s <= stripes; s++) {
            o += out.get((s + 1) * STRIDE);
        }
        return in.get() - o;
    }

    /** Counts a task in, without looking at the depth (an unbounded queue needs no check). */
    void add() {
        in.incrementAndGet();
    }

    /** Counts a task in and returns the depth including it (for the maxQueue check). */
    int addAndGet() {
        in.incrementAndGet();
        return get();
    }

    /** Counts a task out, in stripe 0 (not a worker) or a worker's {@link #stripeOf stripe}. */
    void remove(int stripe) {
        out.incrementAndGet((stripe + 1) * STRIDE);
    }

    @Override
    public String toString() {
        return Integer.toString(get());
    }
}

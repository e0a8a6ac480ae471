package dev.brigade.worker.pool;

/**
 * How many tasks wait in the pending queue, kept as two counters on two cache lines: tasks
 * counted in (by producers, and by a requeue) and tasks counted out (by the worker that claims
 * one, a canceller, a sweep). One shared counter that producers increment and workers decrement
 * moves its cache line between the caller's core and a worker's core twice per task; with two,
 * a lone producer keeps its line, and the workers only share theirs with each other.
 *
 * <p>The depth is {@code in - out}. Every task is counted out only after it was counted in, so
 * reading {@code out} first gives a depth that is never negative (it may include a task counted in
 * just after). The counters wrap around harmlessly: only their difference is used.
 */
final class QueueDepth {
    private final HotLine in = new HotLine();
    private final HotLine out = new HotLine();

    /** Tasks waiting now. */
    int get() {
        int o = out.get();
        return in.get() - o;
    }

    /** Counts a task in, without looking at the depth (an unbounded queue needs no check). */
    void add() {
        in.incrementAndGet();
    }

    /** Counts a task in and returns the depth including it (for the maxQueue check). */
    int addAndGet() {
        int i = in.incrementAndGet();
        return i - out.get();
    }

    /** Counts a task out. */
    void remove() {
        out.incrementAndGet();
    }

    @Override
    public String toString() {
        return Integer.toString(get());
    }
}

package dev.brigade.worker.pool;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * An atomic int alone on its cache line, with three flags beside it: what producers and a worker
 * exchange on every hand-off (a worker's load, spinning, parked and napping flags; the pool's queue depth).
 *
 * <p>Why: a field that other threads write on every task (a counter, a flag) must not share a
 * 64-byte line with fields that are only read (a worker's inbox, its id), or every write costs
 * each reader a cache miss. The value sits in the middle of an int array, so at least 64 bytes of
 * the array lie on each side of it whatever the array's alignment.
 */
final class HotLine {
    private static final int VALUE = 16;
    private static final int FLAG_A = 17;
    private static final int FLAG_B = 18;
    private static final int FLAG_C = 19;
    private final AtomicIntegerArray cells = new AtomicIntegerArray(VALUE + 20);

    HotLine() {
    }

    HotLine(int initial) {
        cells.set(VALUE, initial);
    }

    int get() {
        return cells.get(VALUE);
    }

    void set(int v) {
        cells.set(VALUE, v);
    }

    boolean compareAndSet(int expect, int update) {
        return cells.compareAndSet(VALUE, expect, update);
    }

    int incrementAndGet() {
        return cells.incrementAndGet(VALUE);
    }

    int decrementAndGet() {
        return cells.decrementAndGet(VALUE);
    }

    int addAndGet(int delta) {
        return cells.addAndGet(VALUE, delta);
    }

    boolean flagA() {
        return cells.get(FLAG_A) != 0;
    }

    /** Volatile write: ordered before the reads that follow it (the Dekker half of a wake-up protocol). */
    void flagA(boolean on) {
        cells.set(FLAG_A, on ? 1 : 0);
    }

    boolean flagB() {
        return cells.get(FLAG_B) != 0;
    }

    void flagB(boolean on) {
        cells.set(FLAG_B, on ? 1 : 0);
    }

    boolean flagC() {
        return cells.get(FLAG_C) != 0;
    }

    void flagC(boolean on) {
        cells.set(FLAG_C, on ? 1 : 0);
    }

    /** Clears flag C if it is set; true for the one caller that cleared it. */
    boolean takeFlagC() {
        return cells.get(FLAG_C) != 0 && cells.compareAndSet(FLAG_C, 1, 0);
    }

    @Override
    public String toString() {
        return Integer.toString(get());
    }
}

package dev.brigade.worker;

import static dev.brigade.worker.Int32Array.INT;
import static dev.brigade.worker.Int64Array.LONG;

import dev.brigade.worker.internal.WaiterTable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Atomic operations on {@link SharedBuffer} views, with Node's names and results: every
 * read-modify-write returns the value <em>before</em> the operation; all are sequentially
 * consistent (volatile) accesses.
 *
 * <p>{@link #wait(Int32Array, int, int, Duration)} blocks while the element holds the expected
 * value until {@link #notify} wakes it; it spins for a few tens of microseconds before parking,
 * so a notify that comes quickly is seen in well under a microsecond. Unlike Node, it may be called
 * on any thread, and it is interruptible (so {@code terminate()} reaches a waiting worker).
 */
public final class Atomics {
    private Atomics() {
    }

    // ---- Int32Array ----

    public static int load(Int32Array a, int index) { return (int) INT.getVolatile(a.buffer.memory(), a.offset(index)); }

    /** Stores {@code value} and returns it. */
    public static int store(Int32Array a, int index, int value) {
        INT.setVolatile(a.buffer.memory(), a.offset(index), value);
        return value;
    }

    public static int add(Int32Array a, int index, int value) { return (int) INT.getAndAdd(a.buffer.memory(), a.offset(index), value); }

    public static int sub(Int32Array a, int index, int value) { return (int) INT.getAndAdd(a.buffer.memory(), a.offset(index), -value); }

    public static int and(Int32Array a, int index, int value) { return (int) INT.getAndBitwiseAnd(a.buffer.memory(), a.offset(index), value); }

    public static int or(Int32Array a, int index, int value) { return (int) INT.getAndBitwiseOr(a.buffer.memory(), a.offset(index), value); }

    public static int xor(Int32Array a, int index, int value) { return (int) INT.getAndBitwiseXor(a.buffer.memory(), a.offset(index), value); }

    public static int exchange(Int32Array a, int index, int value) { return (int) INT.getAndSet(a.buffer.memory(), a.offset(index), value); }

    /** Stores {@code replacement} if the element equals {@code expected}; returns the element's previous value either way. */
    public static int compareExchange(Int32Array a, int index, int expected, int replacement) {
        return (int) INT.compareAndExchange(a.buffer.memory(), a.offset(index), expected, replacement);
    }

    // ---- Int64Array ----

    public static long load(Int64Array a, int index) { return (long) LONG.getVolatile(a.buffer.memory(), a.offset(index)); }

    /** Stores {@code value} and returns it. */
    public static long store(Int64Array a, int index, long value) {
        LONG.setVolatile(a.buffer.memory(), a.offset(index), value);
        return value;
    }

    public static long add(Int64Array a, int index, long value) { return (long) LONG.getAndAdd(a.buffer.memory(), a.offset(index), value); }

    public static long sub(Int64Array a, int index, long value) { return (long) LONG.getAndAdd(a.buffer.memory(), a.offset(index), -value); }

    public static long and(Int64Array a, int index, long value) { return (long) LONG.getAndBitwiseAnd(a.buffer.memory(), a.offset(index), value); }

    public static long or(Int64Array a, int index, long value) { return (long) LONG.getAndBitwiseOr(a.buffer.memory(), a.offset(index), value); }

    public static long xor(Int64Array a, int index, long value) { return (long) LONG.getAndBitwiseXor(a.buffer.memory(), a.offset(index), value); }

    public static long exchange(Int64Array a, int index, long value) { return (long) LONG.getAndSet(a.buffer.memory(), a.offset(index), value); }

    /** Stores {@code replacement} if the element equals {@code expected}; returns the element's previous value either way. */
    public static long compareExchange(Int64Array a, int index, long expected, long replacement) {
        return (long) LONG.compareAndExchange(a.buffer.memory(), a.offset(index), expected, replacement);
    }

    // ---- wait / notify ----

    /** Waits without a time limit. See {@link #wait(Int32Array, int, int, Duration)}. */
    public static WaitResult wait(Int32Array a, int index, int expected) throws InterruptedException {
        return wait(a, index, expected, null);
    }

    /**
     * If element {@code index} equals {@code expected}, sleeps until notified or until
     * {@code timeout} (null: no limit) passes.
     *
     * @return {@link WaitResult#NOT_EQUAL} without waiting if the value differs, {@link WaitResult#OK}
     *         when notified, {@link WaitResult#TIMED_OUT} otherwise
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public static WaitResult wait(Int32Array a, int index, int expected, Duration timeout) throws InterruptedException {
        int off = a.offset(index);
        return map(a.buffer.waiters.await(off, () -> load(a, index) == expected, nanos(timeout)));
    }

    /** {@link #wait(Int32Array, int, int, Duration)} for a 64-bit element. */
    public static WaitResult wait(Int64Array a, int index, long expected, Duration timeout) throws InterruptedException {
        int off = a.offset(index);
        return map(a.buffer.waiters.await(off, () -> load(a, index) == expected, nanos(timeout)));
    }

    /**
     * Node's {@code Atomics.waitAsync}: the same as {@code wait} without blocking. The future
     * completes with NOT_EQUAL at once if the value differs, otherwise with OK on notify or
     * TIMED_OUT.
     */
    public static CompletableFuture<WaitResult> waitAsync(Int32Array a, int index, int expected, Duration timeout) {
        int off = a.offset(index);
        return a.buffer.waiters.awaitAsync(off, () -> load(a, index) == expected, nanos(timeout)).thenApply(Atomics::map);
    }

    /** {@link #waitAsync(Int32Array, int, int, Duration)} for a 64-bit element. */
    public static CompletableFuture<WaitResult> waitAsync(Int64Array a, int index, long expected, Duration timeout) {
        int off = a.offset(index);
        return a.buffer.waiters.awaitAsync(off, () -> load(a, index) == expected, nanos(timeout)).thenApply(Atomics::map);
    }

    /** Wakes up to {@code count} waiters on element {@code index} (oldest first); returns how many woke. */
    public static int notify(Int32Array a, int index, int count) {
        return a.buffer.waiters.notify(a.offset(index), count);
    }

    /** Wakes up to {@code count} waiters on element {@code index} (oldest first); returns how many woke. */
    public static int notify(Int64Array a, int index, int count) {
        return a.buffer.waiters.notify(a.offset(index), count);
    }

    private static long nanos(Duration timeout) {
        if (timeout == null) {
            return Long.MAX_VALUE;
        }
        if (timeout.isNegative()) {
            return 0;
        }
        return timeout.compareTo(Duration.ofDays(365)) > 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    private static WaitResult map(WaiterTable.Result r) {
        return switch (r) {
            case OK -> WaitResult.OK;
            case NOT_EQUAL -> WaitResult.NOT_EQUAL;
            case TIMED_OUT -> WaitResult.TIMED_OUT;
        };
    }
}

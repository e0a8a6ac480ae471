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

    /**
     * Reads element {@code index} with a volatile read.
     *
     * @param a     the view
     * @param index the element's index
     * @return the element's value
     */
    public static int load(Int32Array a, int index) { return (int) INT.getVolatile(a.buffer.memory(), a.offset(index)); }

    /**
     * Stores {@code value} in element {@code index} with a volatile write.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the value to store
     * @return {@code value}, as Node's {@code Atomics.store} returns it
     */
    public static int store(Int32Array a, int index, int value) {
        INT.setVolatile(a.buffer.memory(), a.offset(index), value);
        return value;
    }

    /**
     * Adds {@code value} to element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the value to add
     * @return the element's value before the operation
     */
    public static int add(Int32Array a, int index, int value) { return (int) INT.getAndAdd(a.buffer.memory(), a.offset(index), value); }

    /**
     * Subtracts {@code value} from element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the value to subtract
     * @return the element's value before the operation
     */
    public static int sub(Int32Array a, int index, int value) { return (int) INT.getAndAdd(a.buffer.memory(), a.offset(index), -value); }

    /**
     * Bitwise-ANDs {@code value} into element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the mask
     * @return the element's value before the operation
     */
    public static int and(Int32Array a, int index, int value) { return (int) INT.getAndBitwiseAnd(a.buffer.memory(), a.offset(index), value); }

    /**
     * Bitwise-ORs {@code value} into element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the bits to set
     * @return the element's value before the operation
     */
    public static int or(Int32Array a, int index, int value) { return (int) INT.getAndBitwiseOr(a.buffer.memory(), a.offset(index), value); }

    /**
     * Bitwise-XORs {@code value} into element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the bits to flip
     * @return the element's value before the operation
     */
    public static int xor(Int32Array a, int index, int value) { return (int) INT.getAndBitwiseXor(a.buffer.memory(), a.offset(index), value); }

    /**
     * Stores {@code value} in element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the new value
     * @return the element's value before the operation
     */
    public static int exchange(Int32Array a, int index, int value) { return (int) INT.getAndSet(a.buffer.memory(), a.offset(index), value); }

    /**
     * Stores {@code replacement} in element {@code index} if it equals {@code expected}, atomically.
     *
     * @param a           the view
     * @param index       the element's index
     * @param expected    the value the element must hold
     * @param replacement the value to store if it does
     * @return the element's previous value, whether or not it was replaced
     */
    public static int compareExchange(Int32Array a, int index, int expected, int replacement) {
        return (int) INT.compareAndExchange(a.buffer.memory(), a.offset(index), expected, replacement);
    }

    // ---- Int64Array ----

    /**
     * Reads element {@code index} with a volatile read.
     *
     * @param a     the view
     * @param index the element's index
     * @return the element's value
     */
    public static long load(Int64Array a, int index) { return (long) LONG.getVolatile(a.buffer.memory(), a.offset(index)); }

    /**
     * Stores {@code value} in element {@code index} with a volatile write.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the value to store
     * @return {@code value}, as Node's {@code Atomics.store} returns it
     */
    public static long store(Int64Array a, int index, long value) {
        LONG.setVolatile(a.buffer.memory(), a.offset(index), value);
        return value;
    }

    /**
     * Adds {@code value} to element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the value to add
     * @return the element's value before the operation
     */
    public static long add(Int64Array a, int index, long value) { return (long) LONG.getAndAdd(a.buffer.memory(), a.offset(index), value); }

    /**
     * Subtracts {@code value} from element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the value to subtract
     * @return the element's value before the operation
     */
    public static long sub(Int64Array a, int index, long value) { return (long) LONG.getAndAdd(a.buffer.memory(), a.offset(index), -value); }

    /**
     * Bitwise-ANDs {@code value} into element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the mask
     * @return the element's value before the operation
     */
    public static long and(Int64Array a, int index, long value) { return (long) LONG.getAndBitwiseAnd(a.buffer.memory(), a.offset(index), value); }

    /**
     * Bitwise-ORs {@code value} into element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the bits to set
     * @return the element's value before the operation
     */
    public static long or(Int64Array a, int index, long value) { return (long) LONG.getAndBitwiseOr(a.buffer.memory(), a.offset(index), value); }

    /**
     * Bitwise-XORs {@code value} into element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the bits to flip
     * @return the element's value before the operation
     */
    public static long xor(Int64Array a, int index, long value) { return (long) LONG.getAndBitwiseXor(a.buffer.memory(), a.offset(index), value); }

    /**
     * Stores {@code value} in element {@code index} atomically.
     *
     * @param a     the view
     * @param index the element's index
     * @param value the new value
     * @return the element's value before the operation
     */
    public static long exchange(Int64Array a, int index, long value) { return (long) LONG.getAndSet(a.buffer.memory(), a.offset(index), value); }

    /**
     * Stores {@code replacement} in element {@code index} if it equals {@code expected}, atomically.
     *
     * @param a           the view
     * @param index       the element's index
     * @param expected    the value the element must hold
     * @param replacement the value to store if it does
     * @return the element's previous value, whether or not it was replaced
     */
    public static long compareExchange(Int64Array a, int index, long expected, long replacement) {
        return (long) LONG.compareAndExchange(a.buffer.memory(), a.offset(index), expected, replacement);
    }

    // ---- wait / notify ----

    /**
     * Waits without a time limit. See {@link #wait(Int32Array, int, int, Duration)}.
     *
     * @param a        the view
     * @param index    the element's index
     * @param expected the value the element must hold for the thread to sleep
     * @return {@link WaitResult#NOT_EQUAL} without waiting if the value differs, else {@link WaitResult#OK} when notified
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public static WaitResult wait(Int32Array a, int index, int expected) throws InterruptedException {
        return wait(a, index, expected, null);
    }

    /**
     * If element {@code index} equals {@code expected}, sleeps until notified or until
     * {@code timeout} (null: no limit) passes.
     *
     * @param a        the view
     * @param index    the element's index
     * @param expected the value the element must hold for the thread to sleep
     * @param timeout  the longest wait; null for none
     * @return {@link WaitResult#NOT_EQUAL} without waiting if the value differs, {@link WaitResult#OK}
     *         when notified, {@link WaitResult#TIMED_OUT} otherwise
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public static WaitResult wait(Int32Array a, int index, int expected, Duration timeout) throws InterruptedException {
        int off = a.offset(index);
        return map(a.buffer.waiters.await(off, () -> load(a, index) == expected, nanos(timeout)));
    }

    /**
     * {@link #wait(Int32Array, int, int, Duration)} for a 64-bit element.
     *
     * @param a        the view
     * @param index    the element's index
     * @param expected the value the element must hold for the thread to sleep
     * @param timeout  the longest wait; null for none
     * @return NOT_EQUAL, OK or TIMED_OUT, as for a 32-bit element
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public static WaitResult wait(Int64Array a, int index, long expected, Duration timeout) throws InterruptedException {
        int off = a.offset(index);
        return map(a.buffer.waiters.await(off, () -> load(a, index) == expected, nanos(timeout)));
    }

    /**
     * Node's {@code Atomics.waitAsync}: the same as {@code wait} without blocking. The future
     * completes with NOT_EQUAL at once if the value differs, otherwise with OK on notify or
     * TIMED_OUT.
     *
     * @param a        the view
     * @param index    the element's index
     * @param expected the value the element must hold for the wait to begin
     * @param timeout  the longest wait; null for none
     * @return a future of the wait's result
     */
    public static CompletableFuture<WaitResult> waitAsync(Int32Array a, int index, int expected, Duration timeout) {
        int off = a.offset(index);
        return a.buffer.waiters.awaitAsync(off, () -> load(a, index) == expected, nanos(timeout)).thenApply(Atomics::map);
    }

    /**
     * {@link #waitAsync(Int32Array, int, int, Duration)} for a 64-bit element.
     *
     * @param a        the view
     * @param index    the element's index
     * @param expected the value the element must hold for the wait to begin
     * @param timeout  the longest wait; null for none
     * @return a future of the wait's result
     */
    public static CompletableFuture<WaitResult> waitAsync(Int64Array a, int index, long expected, Duration timeout) {
        int off = a.offset(index);
        return a.buffer.waiters.awaitAsync(off, () -> load(a, index) == expected, nanos(timeout)).thenApply(Atomics::map);
    }

    /**
     * Wakes up to {@code count} threads (or async waits) waiting on element {@code index}, oldest first.
     *
     * @param a     the view
     * @param index the element's index
     * @param count the most waiters to wake
     * @return how many woke
     */
    public static int notify(Int32Array a, int index, int count) {
        return a.buffer.waiters.notify(a.offset(index), count);
    }

    /**
     * Wakes up to {@code count} threads (or async waits) waiting on element {@code index}, oldest first.
     *
     * @param a     the view
     * @param index the element's index
     * @param count the most waiters to wake
     * @return how many woke
     */
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

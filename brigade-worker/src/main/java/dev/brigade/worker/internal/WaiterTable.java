package dev.brigade.worker.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The futex behind {@code Atomics.wait/notify} for one shared buffer: waiters queued per byte
 * offset, woken in FIFO order.
 *
 * <p>Correctness argument. A waiter registers (under the table's lock) <em>and then</em> checks
 * the value, so the check and the enqueue are one atomic step with respect to {@link #notify},
 * which also takes the lock: a notifier that stored a new value either ran before the check (the
 * waiter sees the new value and returns "not-equal") or after the enqueue (it finds and wakes the
 * waiter). {@code notify} skips the lock when no one waits; that read of {@code waiting} and the
 * waiter's increment are both volatile, and the value store before notify is volatile too, so a
 * notifier that reads 0 is ordered before any waiter that could still see the old value.
 *
 * <p>Speed. A woken waiter is usually still spinning ({@link Spin}), so notify sets its state and
 * only unparks it if it had already parked: a hand-off costs a fraction of a microsecond.
 */
public final class WaiterTable {
    /** Outcome of a wait, in Node's vocabulary. */
    public enum Result {
        /** Woken by a notify. */
        OK,
        /** The element did not hold the expected value: no wait. */
        NOT_EQUAL,
        /** The timeout passed. */
        TIMED_OUT
    }

    /** An empty table. */
    public WaiterTable() {
    }

    private static final int WAITING = 0;
    private static final int WOKEN = 1;
    private static final int GAVE_UP = 2;

    private final Map<Integer, ArrayDeque<Waiter>> queues = new HashMap<>();   // guarded by this
    private final AtomicInteger waiting = new AtomicInteger();

    private static final class Waiter {
        volatile int state = WAITING;
        volatile boolean parked;
        final Thread thread;                                  // null for async waiters
        final CompletableFuture<Result> future;              // null for sync waiters

        Waiter(Thread thread, CompletableFuture<Result> future) {
            this.thread = thread;
            this.future = future;
        }
    }

    /**
     * Blocks until notified, the timeout passes, or interrupted; {@code stillExpected} reads the value.
     *
     * @param offset the element's byte offset in its buffer
     * @param stillExpected answers whether the element still holds the expected value (read under the table's lock)
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return OK when notified, NOT_EQUAL if the value differed, TIMED_OUT otherwise
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public Result await(int offset, BooleanSupplier stillExpected, long timeoutNanos) throws InterruptedException {
        Waiter w = new Waiter(Thread.currentThread(), null);
        if (!enqueue(offset, w, stillExpected)) {
            return Result.NOT_EQUAL;
        }
        if (Spin.spinUntil(() -> w.state != WAITING)) {
            return Result.OK;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        w.parked = true;
        while (w.state == WAITING) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                interrupted = true;
                break;
            }
        }
        if (w.state == WOKEN || !giveUp(offset, w)) {
            if (interrupted) {
                Thread.currentThread().interrupt(); // woken anyway: keep the interrupt for later
            }
            return Result.OK;
        }
        if (interrupted) {
            throw new InterruptedException("interrupted in Atomics.wait");
        }
        return Result.TIMED_OUT;
    }

    /**
     * Like {@link #await} without blocking: the future completes OK on notify or TIMED_OUT.
     *
     * @param offset the element's byte offset in its buffer
     * @param stillExpected answers whether the element still holds the expected value (read under the table's lock)
     * @param timeoutNanos the longest wait, in nanoseconds
     * @return a future of the result
     */
    public CompletableFuture<Result> awaitAsync(int offset, BooleanSupplier stillExpected, long timeoutNanos) {
        CompletableFuture<Result> f = new CompletableFuture<>();
        Waiter w = new Waiter(null, f);
        if (!enqueue(offset, w, stillExpected)) {
            f.complete(Result.NOT_EQUAL);
            return f;
        }
        if (timeoutNanos < Long.MAX_VALUE) {
            CompletableFuture.delayedExecutor(timeoutNanos, TimeUnit.NANOSECONDS).execute(() -> {
                if (giveUp(offset, w)) {
                    f.complete(Result.TIMED_OUT);
                }
            });
        }
        return f;
    }

    private synchronized boolean enqueue(int offset, Waiter w, BooleanSupplier stillExpected) {
        waiting.incrementAndGet();
        if (!stillExpected.getAsBoolean()) {
            waiting.decrementAndGet();
            return false;
        }
        queues.computeIfAbsent(offset, k -> new ArrayDeque<>()).add(w);
        return true;
    }

    /** Removes a waiter that stops waiting; false if a notify got to it first. */
    private synchronized boolean giveUp(int offset, Waiter w) {
        if (w.state != WAITING) {
            return false;
        }
        w.state = GAVE_UP;
        ArrayDeque<Waiter> q = queues.get(offset);
        if (q != null && q.remove(w) && q.isEmpty()) {
            queues.remove(offset);
        }
        waiting.decrementAndGet();
        return true;
    }

    /**
     * Wakes up to {@code count} waiters on {@code offset}, oldest first; returns how many.
     *
     * @param offset the element's byte offset in its buffer
     * @param count the most waiters to wake
     * @return how many woke
     */
    public int notify(int offset, int count) {
        if (count <= 0 || waiting.get() == 0) {
            return 0;
        }
        List<Waiter> woken = new ArrayList<>(Math.min(count, 8));
        synchronized (this) {
            ArrayDeque<Waiter> q = queues.get(offset);
            while (q != null && woken.size() < count && !q.isEmpty()) {
                Waiter w = q.poll();
                w.state = WOKEN;
                waiting.decrementAndGet();
                woken.add(w);
            }
            if (q != null && q.isEmpty()) {
                queues.remove(offset);
            }
        }
        for (Waiter w : woken) {
            if (w.future != null) {
                w.future.complete(Result.OK);
            } else if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
        return woken.size();
    }
}

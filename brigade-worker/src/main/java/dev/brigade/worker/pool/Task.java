package dev.brigade.worker.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * One task, and the future {@code run} returns (one object, one allocation per task).
 *
 * <p>State machine, every transition a CAS so exactly one party acts:
 * <pre>
 *   QUEUED ──claim──▶ ASSIGNED+w ──worker w──▶ RUNNING ──▶ DONE
 *     │                 │   └──steal (w retired)──▶ QUEUED
 *     └──cancel──▶ DONE └──cancel──▶ DONE                 (RUNNING: cancel interrupts)
 * </pre>
 * ASSIGNED carries the id of the worker whose inbox holds the task; ids are never reused, so a
 * retired worker that wakes up late can never claim a task that was re-assigned elsewhere.
 */
final class Task extends CompletableFuture<Object> implements QueuedTask {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int ASSIGNED = 16;          // + worker id
    private static final VarHandle STATE;
    private static final VarHandle RUNNER;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
            RUNNER = MethodHandles.lookup().findVarHandle(Task.class, "runner", PoolWorker.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Dispatcher pool;
    final Object input;
    final String function;
    final long createdNanos;
    private volatile int state;
    volatile PoolWorker runner;              // set by the worker that won the claim, after the CAS to RUNNING
    volatile boolean interruptRequested;     // cancel(true) asked; read by the runner once it is published
    long seq;                                // runner's task sequence number when it started this task
    AbortSignal signal;                      // checked again before the task starts; null for most tasks

    Task(Dispatcher pool, Object input, String function, long createdNanos) {
        this.pool = pool;
        this.input = input;
        this.function = function;
        this.createdNanos = createdNanos;
    }

    int phase() {
        return state;
    }

    void initState(int s) {
        STATE.set(this, s);                  // plain: published by the queue offer that follows
    }

    boolean cas(int expect, int update) {
        return STATE.compareAndSet(this, expect, update);
    }

    /**
     * The task returned: nothing may claim or withdraw it any more. A release write is enough
     * (no fence): only the runner moves a RUNNING task, and a canceller that still reads RUNNING
     * finds no thread to interrupt (the runner cleared its current task before this).
     */
    void markDone() {
        STATE.setRelease(this, DONE);
    }

    /** Set by the worker that won the claim; ordered before its volatile write of its current task (see PoolWorker.execute). */
    void runBy(PoolWorker w) {
        RUNNER.setRelease(this, w);
    }

    /**
     * Cancels: a queued task is removed in O(1); a running one is interrupted if
     * {@code mayInterruptIfRunning} (then retired after {@link PoolOptions#cancelGrace()}), else
     * left to finish with its result discarded.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            pool.withdraw(this, mayInterruptIfRunning);
        }
        return cancelled;
    }

    /** Fails the future with {@code error} and withdraws the task (timeout, abort, close, destroy). */
    boolean stop(Throwable error, boolean interrupt) {
        boolean won = completeExceptionally(error);
        if (won) {
            pool.withdraw(this, interrupt);
        }
        return won;
    }

    /** Dependent stages are plain futures: cancelling them does not touch the task. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public Object task() {
        return input;
    }

    @Override
    public String name() {
        return function;
    }

    @Override
    public boolean isWithdrawn() {
        return state == DONE;
    }

    @Override
    public String toString() {
        return "Task[" + (function == null ? "run" : function) + ", state=" + state + ", " + super.toString() + "]";
    }
}

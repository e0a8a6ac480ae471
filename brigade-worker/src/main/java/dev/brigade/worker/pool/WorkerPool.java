package dev.brigade.worker.pool;

import dev.brigade.worker.ErrorCode;
import dev.brigade.worker.MessageChannel;
import dev.brigade.worker.MessagePort;
import dev.brigade.worker.WorkerException;
import dev.brigade.worker.internal.GraphScan;
import dev.brigade.worker.Received;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A pool of worker threads for CPU-heavy tasks: what Piscina gives Node, for the JVM.
 *
 * <pre>{@code
 * try (WorkerPool<byte[], byte[]> pool = WorkerPool.create(PoolOptions.builder(Hasher.class).maxThreads(4).build())) {
 *     CompletableFuture<byte[]> digest = pool.run(bytes);
 *     CompletableFuture<byte[]> other = pool.run(bytes, RunOptions.named("reverse"));
 * }
 * }</pre>
 *
 * <p><b>Types.</b> {@code T} and {@code R} come from the {@link TaskHandler} the options were
 * built from: a task of another type, or a future of another result type, does not compile.
 *
 * <p><b>Tasks.</b> {@link #run} hands the task to the least-loaded worker at once, or queues it
 * when every worker is busy, and returns a future. The task's exception fails its own future;
 * nothing else. {@link RunOptions} add a named function, a transfer list, a timeout and an
 * {@link AbortSignal}. Hand-offs spin briefly instead of parking, so a task costs well under a
 * microsecond of overhead under load (the design is described in the source of {@code Dispatcher}).
 *
 * <p><b>Cancelling.</b> {@code future.cancel(true)}, a timeout or an aborted signal: a queued
 * task is removed in O(1) (its queue slot is free at once); a running task's thread is
 * interrupted, and if the task has not returned after {@link PoolOptions#cancelGrace()} its
 * worker is retired and a fresh one started, so the pool keeps its capacity (the old thread is
 * left to finish; the JVM cannot kill a thread). {@code cancel(false)} lets a running task finish
 * and discards its result.
 *
 * <p><b>Backpressure.</b> When {@link PoolOptions#maxQueue()} tasks are waiting, {@code run}
 * returns a future already failed with {@link PoolErrorCode#ERR_QUEUE_FULL} (the message gives
 * the limit and the depth). Producers that prefer waiting check {@link #needsDrain()} and wait
 * for {@link #drain()}.
 *
 * <p><b>Failures.</b> A worker that dies (a task called {@code WorkerContext.exit}, or its
 * thread was terminated) fails only the task it was running ({@link PoolErrorCode#ERR_WORKER_DIED});
 * tasks it held but had not started go back to the queue, and a new worker replaces it.
 *
 * <p><b>Sizing.</b> Workers start at {@code minThreads}, grow up to {@code maxThreads} while tasks
 * wait, and those above minThreads retire after {@code idleTimeout} idle. A worker retires only
 * if it holds nothing, atomically with respect to producers, so a task is never handed to a
 * worker that is leaving.
 *
 * <p><b>Stopping.</b> {@link #close()} refuses new tasks, lets queued and running ones finish
 * (failing what is left after {@link PoolOptions#closeTimeout()}, naming how many), then stops
 * the workers; {@link #destroy()} fails everything at once. Both are idempotent and safe to call
 * from inside a task. All methods are thread-safe.
 *
 * @param <T> the tasks' type
 * @param <R> the results' type
 */
public final class WorkerPool<T, R> implements AutoCloseable {
    private final Dispatcher pool;

    private WorkerPool(PoolOptions<T, R> options) {
        Objects.requireNonNull(options, "options");
        TaskQueue queue;
        try {
            queue = Objects.requireNonNull(options.taskQueue().apply(options.maxQueue()), "the task queue factory returned null");
        } catch (RuntimeException e) {
            throw PoolOptions.invalid("taskQueue", e.getMessage(), "a factory that accepts maxQueue=" + options.maxQueue());
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, options.workerOptions().name() + "-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool = new Dispatcher(options, queue, timer);
        for (int i = 0; i < options.minThreads(); i++) {
            pool.crew.grow();
        }
    }

    /**
     * Starts a pool: {@code minThreads} workers at once.
     *
     * @param options the pool's options, which name its {@link TaskHandler}
     * @param <T>     the tasks' type
     * @param <R>     the results' type
     * @return the running pool
     * @throws dev.brigade.worker.WorkerException {@code ERR_INVALID_OPTION} if the task queue factory fails
     */
    public static <T, R> WorkerPool<T, R> create(PoolOptions<T, R> options) {
        return new WorkerPool<>(options);
    }

    /**
     * Runs {@code task} through the handler's {@link TaskHandler#run}.
     *
     * @param task the task, passed by reference to the worker
     * @return a future of the task's result (see {@link #run(Object, RunOptions)})
     */
    public CompletableFuture<R> run(T task) {
        return run(task, RunOptions.defaults());
    }

    /**
     * Runs {@code task} as {@code options} say. The future completes with the result, or fails
     * with what the task threw, or with a {@link PoolException} (see {@link PoolErrorCode}), or
     * is cancelled. With a transfer list, the handler gets the task as a receiving thread would
     * get it from {@code MessagePort.postMessage}: the same object, with each listed ByteBuffer
     * replaced by a fresh view of its memory wherever it sits (the caller's buffer is detached).
     *
     * @param task    the task
     * @param options the function to call, a transfer list, a timeout, an abort signal
     * @return a future of the task's result
     * @throws WorkerException if the transfer list is invalid (nothing was moved then), or
     *         {@link ErrorCode#ERR_PORT_NOT_TRANSFERRED} if the task holds a MessagePort that is not listed
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<R> run(T task, RunOptions options) {
        Objects.requireNonNull(options, "options");
        Object input = options.transferList().isEmpty() ? checkedByReference(task) : transfer(task, options.transferList());
        Task t = new Task(pool, input, options.name(), System.nanoTime());
        AbortSignal signal = options.signal();
        t.signal = signal;
        if (signal != null && signal.aborted()) {
            t.completeExceptionally(aborted(signal));
            return (CompletableFuture<R>) t;
        }
        pool.submit(t);
        if (!t.isDone()) {
            if (options.timeout() != null) {
                long nanos = options.timeout().toNanos();
                pool.schedule(() -> t.stop(timedOut(t, options.timeout()), true), nanos);
            }
            if (signal != null) {
                Runnable off = signal.onAbort(() -> t.stop(aborted(signal), true));
                t.whenComplete((r, e) -> off.run());
            }
        }
        return (CompletableFuture<R>) t;
    }

    /**
     * A task passed by reference must not hold a MessagePort: ports move only when listed, as
     * with {@code MessagePort.postMessage}.
     */
    private static Object checkedByReference(Object task) {
        String where = GraphScan.find(task, o -> o instanceof MessagePort);
        if (where != null) {
            throw new WorkerException(ErrorCode.ERR_PORT_NOT_TRANSFERRED, "the MessagePort at "
                    + where.replaceFirst("^message", "task") + " was passed without being listed in the transfer list:"
                    + " list it to move it (RunOptions.transfer(port); Node: ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST)");
        }
        return task;
    }

    /** Moves what the transfer list holds exactly as {@code MessagePort.postMessage} does. */
    private static Object transfer(Object task, List<?> transferList) {
        MessageChannel ch = new MessageChannel();
        try {
            ch.port1().postMessage(task, transferList);
            return ch.port2().poll().map(Received::message).orElse(null);
        } finally {
            ch.port1().close();
        }
    }

    static PoolException aborted(AbortSignal signal) {
        return new PoolException(PoolErrorCode.ERR_TASK_ABORTED, "the task's signal was aborted: " + signal.reason());
    }

    private static PoolException timedOut(Task t, Duration timeout) {
        boolean running = t.phase() == Task.RUNNING;
        PoolWorker runner = t.runner;         // set just after the claim: a timeout can fire in between
        return new PoolException(PoolErrorCode.ERR_TASK_TIMEOUT, "the task did not finish within its timeout of "
                + timeout.toMillis() + " ms (" + (running ? "it was running" + (runner == null ? "" : " on "
                + runner.pool.name + "-" + runner.id) + " and is being interrupted" : "it was still waiting in the queue") + ")");
    }

    /**
     * Current figures: counts, queue depth, utilization, run and wait time distributions, per-worker counts.
     *
     * @return a snapshot of the figures
     */
    public PoolStats stats() {
        return pool.stats.snapshot(pool);
    }

    /**
     * Tasks waiting in the queue now (not those the workers hold).
     *
     * @return tasks waiting in the queue now (not those the workers hold)
     */
    public int queueSize() {
        return Math.max(0, pool.queued.get());
    }

    /**
     * Live workers now.
     *
     * @return live workers now
     */
    public int threads() {
        return pool.crew.live();
    }

    /**
     * True when producers should wait for {@link #drain()} before running more: the queue is at
     * maxQueue or, if the queue is unbounded, holds more tasks than the workers can hold at once.
     *
     * @return true if producers should wait for {@link #drain()}
     */
    public boolean needsDrain() {
        long high = pool.maxQueue != Integer.MAX_VALUE ? pool.maxQueue
                : (long) pool.options.maxThreads() * pool.perWorker;
        return pool.queued.get() >= high;
    }

    /**
     * Completes when the queue is (or becomes) empty: Piscina's {@code 'drain'} event.
     *
     * @return a future that completes when the queue is empty
     */
    public CompletableFuture<Void> drain() {
        return pool.drain.await();
    }

    /**
     * Starts closing: new tasks are refused ({@link PoolErrorCode#ERR_POOL_CLOSED}); queued and
     * running tasks may finish within {@code timeout}, after which those left fail with
     * {@link PoolErrorCode#ERR_CLOSE_TIMEOUT} and the future fails with that error. Completes
     * once every worker has stopped. Idempotent: later calls return the same future.
     *
     * @param timeout the longest wait
     * @return a future that completes once every worker has stopped
     */
    public CompletableFuture<Void> close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return pool.shutdown.close(timeout);
    }

    /**
     * Closes with {@link PoolOptions#closeTimeout()} and waits for it, except on one of this
     * pool's own workers (inside a task), where it only starts closing.
     *
     * @throws PoolException {@link PoolErrorCode#ERR_CLOSE_TIMEOUT} if tasks had to be failed
     */
    @Override
    public void close() {
        CompletableFuture<Void> f = close(pool.options.closeTimeout());
        PoolWorker self = PoolWorker.onThisThread();
        if (self != null && self.pool == pool) {
            return;
        }
        try {
            f.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof PoolException p ? p : e;
        }
    }

    /**
     * Stops at once: queued and running tasks fail with {@link PoolErrorCode#ERR_POOL_DESTROYED},
     * running ones are interrupted, workers stop. Completes when they have (a worker whose task
     * ignores interrupts is abandoned after {@link PoolOptions#cancelGrace()}). Idempotent.
     *
     * @return a future that completes when the workers have stopped
     */
    public CompletableFuture<Void> destroy() {
        return pool.shutdown.destroy().copy();
    }

    /**
     * True once {@link #close} or {@link #destroy} was called.
     *
     * @return true once {@link #close} or {@link #destroy} was called
     */
    public boolean isClosed() {
        return pool.state != Dispatcher.RUNNING;
    }

    /** For tests in this package: the dispatcher behind this pool. */
    Dispatcher dispatcher() {
        return pool;
    }

    /**
     * The options the pool was built with.
     *
     * @return the options
     */
    @SuppressWarnings("unchecked")
    public PoolOptions<T, R> options() {
        return (PoolOptions<T, R>) pool.options;
    }

    @Override
    public String toString() {
        return "WorkerPool[" + pool.name + ", threads=" + threads() + ", queued=" + queueSize() + "]";
    }
}

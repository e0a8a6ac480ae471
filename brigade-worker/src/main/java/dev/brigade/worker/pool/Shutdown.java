package dev.brigade.worker.pool;

import dev.brigade.worker.Worker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * close() and destroy(). States: RUNNING → CLOSING (no new tasks; queued and running ones
 * finish) → STOPPING (workers leave) → terminated. destroy() jumps to STOPPING and fails what is
 * left; a close() that times out does the same, naming how many tasks it failed. Both are
 * idempotent and never wait on the calling thread, so they are safe inside a task.
 */
final class Shutdown {
    private final Dispatcher pool;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile PoolException reason;    // set when STOPPING by force
    private ScheduledFuture<?> closeTimer;    // guarded by this

    Shutdown(Dispatcher pool) {
        this.pool = pool;
        terminated.whenComplete((v, e) -> pool.timer.shutdown());
    }

    /** The error for a task submitted after close() or destroy(). */
    PoolException rejection() {
        PoolException r = reason;
        if (r != null && r.code() == PoolErrorCode.ERR_POOL_DESTROYED) {
            return new PoolException(PoolErrorCode.ERR_POOL_DESTROYED, "the pool '" + pool.name + "' was destroyed: the task was not run");
        }
        return new PoolException(PoolErrorCode.ERR_POOL_CLOSED, "the pool '" + pool.name + "' is closed: the task was not run");
    }

    /** Why the pool was stopped by force (destroy, close timeout), or null. */
    PoolException reason() {
        return reason;
    }

    CompletableFuture<Void> terminated() {
        return terminated;
    }

    synchronized CompletableFuture<Void> close(Duration timeout) {
        if (pool.state == Dispatcher.RUNNING) {
            pool.state = Dispatcher.CLOSING;
            long nanos = timeout.toNanos();
            closeTimer = pool.timer.schedule(() -> timedOut(timeout), nanos, TimeUnit.NANOSECONDS);
            for (PoolWorker w : pool.crew.workers()) {
                w.wake();
            }
            onIdle();
            onWorkerGone();
        }
        return closed;
    }

    CompletableFuture<Void> destroy() {
        stop(new PoolException(PoolErrorCode.ERR_POOL_DESTROYED, "the pool '" + pool.name + "' was destroyed"));
        return terminated;
    }

    private void timedOut(Duration timeout) {
        if (pool.state >= Dispatcher.STOPPING) {
            return;
        }
        int queued = pool.queued.get();
        int running = 0;
        for (PoolWorker w : pool.crew.workers()) {
            int l = w.load.get();
            running += l >= 0 ? l : l - PoolWorker.RETIRED;
        }
        stop(new PoolException(PoolErrorCode.ERR_CLOSE_TIMEOUT, "close() timed out after " + timeout.toMillis()
                + " ms: failing " + (queued + running) + " unfinished tasks (queued=" + queued + ", running or held="
                + running + ")"));
    }

    /**
     * A worker went idle, left, or an async task ended: if closing and nothing is left, stop the
     * workers. (close() while the last worker was retiring used to wait for the close timeout.)
     */
    void onIdle() {
        if (pool.state != Dispatcher.CLOSING || pool.queued.get() > 0 || !pool.asyncTasks.isEmpty()) {
            return;
        }
        for (PoolWorker w : pool.crew.workers()) {
            int l = w.load.get();             // a retiring worker (negative load) that holds nothing does not count
            if ((l >= 0 ? l : l - PoolWorker.RETIRED) != 0) {
                return;
            }
        }
        stop(null);
    }

    /** Moves to STOPPING; with a reason, fails every unfinished task with it and interrupts the workers. */
    private void stop(PoolException why) {
        synchronized (this) {
            if (pool.state >= Dispatcher.STOPPING) {
                return;
            }
            reason = why;
            pool.state = Dispatcher.STOPPING;
            if (closeTimer != null) {
                closeTimer.cancel(false);
            }
        }
        if (why != null) {
            sweepPending();
            for (Task t : pool.asyncTasks) {
                t.completeExceptionally(why);
            }
        }
        for (PoolWorker w : pool.crew.workers()) {
            if (why != null) {
                for (Task t : w.inbox) {
                    t.stop(why, false);
                }
                if (w.current() instanceof Task t) {
                    t.completeExceptionally(why);
                }
                Worker wk = w.worker;
                if (wk != null) {
                    wk.terminate().exceptionally(e -> null);
                }
                long grace = pool.options.cancelGrace().toNanos();
                pool.schedule(() -> pool.crew.abandon(w, "did not stop within "
                        + pool.options.cancelGrace().toMillis() + " ms of the pool being stopped"), grace);
            }
            w.wake();
        }
        onWorkerGone();
    }

    /** Fails every queued task with the stop reason (also run by producers that raced with a stop). */
    void sweepPending() {
        PoolException why = reason != null ? reason : rejection();
        QueuedTask q;
        while ((q = pool.pending.poll()) != null) {
            Task t = (Task) q;
            if (t.cas(Task.QUEUED, Task.DONE)) {
                pool.dequeued();
                t.completeExceptionally(why);
            }
        }
    }

    void onWorkerGone() {
        if (pool.state >= Dispatcher.STOPPING && pool.crew.live() == 0 && pool.crew.workers().length == 0) {
            PoolException why = reason;
            if (terminated.complete(null)) {
                pool.drain.signal();
                if (why != null && why.code() == PoolErrorCode.ERR_CLOSE_TIMEOUT) {
                    closed.completeExceptionally(why);
                } else {
                    closed.complete(null);
                }
            }
        }
    }
}

package dev.brigade.worker.pool;

import dev.brigade.worker.Worker;
import dev.brigade.worker.internal.Loop;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The pool's workers: who is live, starting one, retiring one (idle, stuck, dead) and replacing
 * it. Producers only read {@link #workers} (a copy-on-write array); changes are rare and locked.
 */
final class Crew {
    private static final System.Logger LOG = System.getLogger("dev.brigade.worker.pool");

    private final Dispatcher pool;
    private final Object lock = new Object();
    private final AtomicInteger live = new AtomicInteger();     // workers counted against min/maxThreads
    private final AtomicInteger nextId = new AtomicInteger();
    private volatile PoolWorker[] workers = new PoolWorker[0];  // written under lock

    Crew(Dispatcher pool) {
        this.pool = pool;
    }

    PoolWorker[] workers() {
        return workers;
    }

    int live() {
        return live.get();
    }

    /** The live worker with the fewest held slots below the limit (an idle spinning one first), or null. */
    PoolWorker leastLoaded() {
        PoolWorker best = null;
        int bestLoad = pool.perWorker;
        for (PoolWorker w : workers) {
            int l = w.load.get();
            if (l >= 0 && l < bestLoad) {
                if (l == 0 && w.spinning()) {
                    return w;                 // idle and awake: no wake-up to pay
                }
                best = w;
                bestLoad = l;
            }
        }
        return best;
    }

    /** True if {@link #grow} could start a worker now (a cheap look first: under load the pool is at maxThreads). */
    boolean canGrow() {
        return live.get() < pool.options.maxThreads() && pool.state < Dispatcher.STOPPING;
    }

    /**
     * Unparks one napping worker, if any (the first to clear its napping flag does it, so a nap
     * costs producers at most one unpark). Called when a task was queued because every worker is
     * full: a napping worker then either holds a task in its inbox or can take queued ones.
     */
    void wakeNapper() {
        for (PoolWorker w : workers) {
            if (w.load.takeFlagC()) {
                w.wake();
                return;
            }
        }
    }

    /** Starts a worker if there are fewer than maxThreads and the pool is not stopping. */
    boolean grow() {
        for (;;) {
            int n = live.get();
            if (n >= pool.options.maxThreads() || pool.state >= Dispatcher.STOPPING) {
                return false;
            }
            if (live.compareAndSet(n, n + 1)) {
                break;
            }
        }
        PoolWorker w = new PoolWorker(pool, nextId.incrementAndGet());
        synchronized (lock) {
            PoolWorker[] next = Arrays.copyOf(workers, workers.length + 1);
            next[next.length - 1] = w;
            workers = next;
        }
        if (Loop.current() == null) {
            launch(w);
        } else {
            pool.schedule(() -> launch(w), 0); // from a worker thread: its events must go to the main loop
        }
        return true;
    }

    private void launch(PoolWorker w) {
        try {
            w.worker = Worker.start(w, pool.options.workerOptions().toBuilder().name(pool.name + "-" + w.id).build());
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "pool '" + pool.name + "' could not start worker " + w.id, e);
            leave(w);
            remove(w);
        }
    }

    /** An idle worker asks to retire: only with nothing held and more than minThreads live. */
    boolean tryRetireIdle(PoolWorker w) {
        if (!w.load.compareAndSet(0, PoolWorker.RETIRED)) {
            return false;
        }
        for (;;) {
            int n = live.get();
            if (n <= pool.options.minThreads() && pool.state == Dispatcher.RUNNING) {
                w.load.compareAndSet(PoolWorker.RETIRED, 0);   // stays; its loop looks at the queue again
                return false;
            }
            if (live.compareAndSet(n, n - 1)) {
                w.counted.set(false);
                return true;
            }
        }
    }

    /** Called on the worker's thread when its loop ends, whatever the reason. */
    void exited(PoolWorker w) {
        for (;;) {
            int l = w.load.get();
            if (l < 0 || w.load.compareAndSet(l, l + PoolWorker.RETIRED)) {
                break;
            }
        }
        Task t;
        while ((t = w.inbox.poll()) != null) {
            pool.requeue(t, w.assigned);
        }
        leave(w);
        remove(w);
        afterLoss();
    }

    /** Interrupts a running task; if it has not returned after cancelGrace, retires its worker. */
    void interrupt(Task t) {
        t.interruptRequested = true;          // before reading runner: see PoolWorker.execute
        PoolWorker w = t.runner;
        long seq = t.seq;
        if (w != null && w.interrupt(t)) {
            pool.schedule(() -> retireStuck(w, seq), pool.options.cancelGrace().toNanos());
        }
    }

    /** Gives up on a worker whose task ignores interrupts: its thread is left to finish, a new one takes its place. */
    void retireStuck(PoolWorker w, long seq) {
        if (!w.stuckOn(seq)) {
            return;
        }
        abandon(w, "did not stop within " + pool.options.cancelGrace().toMillis() + " ms of its task being cancelled");
    }

    void abandon(PoolWorker w, String why) {
        for (;;) {
            int l = w.load.get();
            if (l < 0 && w.removed.get()) {
                return;
            }
            if (l < 0 || w.load.compareAndSet(l, l + PoolWorker.RETIRED)) {
                break;
            }
        }
        for (Task t : w.inbox) {              // weakly consistent; the steal CAS settles races with the thread
            pool.requeue(t, w.assigned);
        }
        leave(w);
        remove(w);
        Thread th = w.thread();
        LOG.log(System.Logger.Level.WARNING, "pool '" + pool.name + "': worker " + (th == null ? w.id : th.getName()) + " " + why
                + "; it is replaced and left to finish on its own. It is at: " + where(th));
        Worker wk = w.worker;
        if (wk != null) {
            wk.terminate().exceptionally(e -> null); // it exits when the task finally returns
        }
        afterLoss();
    }

    private void afterLoss() {
        if (pool.state < Dispatcher.STOPPING && live.get() < pool.options.minThreads()) {
            grow();
        }
        pool.rescue();
        pool.shutdown.onIdle();               // closing: the one that left may have been all that was waited for
        pool.shutdown.onWorkerGone();
    }

    private void leave(PoolWorker w) {
        if (w.counted.compareAndSet(true, false)) {
            live.decrementAndGet();
        }
    }

    private void remove(PoolWorker w) {
        if (!w.removed.compareAndSet(false, true)) {
            return;
        }
        pool.stats.fold(w);
        synchronized (lock) {
            workers = Arrays.stream(workers).filter(x -> x != w).toArray(PoolWorker[]::new);
        }
    }

    private static String where(Thread th) {
        if (th == null) {
            return "(not started)";
        }
        return Arrays.stream(th.getStackTrace()).limit(4).map(String::valueOf).collect(Collectors.joining(" <- "));
    }
}

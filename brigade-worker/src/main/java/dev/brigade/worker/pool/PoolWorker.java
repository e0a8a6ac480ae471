package dev.brigade.worker.pool;

import dev.brigade.worker.Worker;
import dev.brigade.worker.WorkerContext;
import dev.brigade.worker.WorkerEntry;
import dev.brigade.worker.internal.Loop;
import dev.brigade.worker.internal.Spin;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * One pool worker: the entry its {@link Worker} thread runs, and the state producers see.
 * The dispatch protocol is described in {@link Dispatcher}; this class is its worker side.
 */
final class PoolWorker implements WorkerEntry {
    /** Added to {@link #load} when the worker retires: a negative load takes no reservation. */
    static final int RETIRED = Integer.MIN_VALUE / 2;
    private static final Object INTERRUPTING = new Object();
    private static final Object INTERRUPTED = new Object();
    private static final ThreadLocal<PoolWorker> ON_THREAD = new ThreadLocal<>();
    final Dispatcher pool;
    final int id;
    final int assigned;                       // Task state meaning "in my inbox"
    final MpscAtomicArrayQueue<Task> inbox;   // producers: anyone holding a reserved slot; consumer: this thread
    /**
     * Slots held: tasks in the inbox, running, or pending asynchronously; + RETIRED once retired.
     * Its line also holds the {@code spinning} and {@code parked} flags, so a producer's hand-off
     * touches one cache line of this worker besides its inbox.
     */
    final HotLine load = new HotLine();
    final AtomicBoolean counted = new AtomicBoolean(true);   // still counted in the pool's live workers
    final AtomicBoolean removed = new AtomicBoolean();
    final TaskTimes times = new TaskTimes();
    volatile Worker worker;
    private volatile Thread thread;
    /** What this thread writes on every task, allocated on this thread: off the lines producers read. */
    private volatile Own own;
    private long idleSince;                   // this thread only; 0 when busy

    /** Per-task state, written by the worker thread only (plain or release writes, read by others with acquire). */
    static final class Own {
        private static final VarHandle COMPLETED;
        private static final VarHandle RUN_NANOS;
        private static final VarHandle SEQ;
        private static final VarHandle CURRENT;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                COMPLETED = l.findVarHandle(Own.class, "completed", long.class);
                RUN_NANOS = l.findVarHandle(Own.class, "runNanos", long.class);
                SEQ = l.findVarHandle(Own.class, "seq", long.class);
                CURRENT = l.findVarHandle(Own.class, "current", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long completed;
        private long runNanos;
        private long seq;                     // number of the task started last
        private volatile Object current;      // the running Task, or an interrupt marker
    }

    PoolWorker(Dispatcher pool, int id) {
        this.pool = pool;
        this.id = id;
        this.assigned = Task.ASSIGNED + id;
        this.inbox = new MpscAtomicArrayQueue<>(Math.max(2, pool.perWorker));
    }

    /** The pool worker running on the calling thread, or null. */
    static PoolWorker onThisThread() {
        return ON_THREAD.get();
    }

    /** Takes a slot if the worker is live and has room. */
    boolean tryReserve() {
        for (;;) {
            int l = load.get();
            if (l < 0 || l >= pool.perWorker) {
                return false;
            }
            if (load.compareAndSet(l, l + 1)) {
                return true;
            }
        }
    }

    /** Hands over a task whose slot the caller reserved and whose state is {@link #assigned}. */
    void deliver(Task t) {
        if (!inbox.offer(t)) {                // cannot happen while slots bound the inbox; never lose it anyway
            load.decrementAndGet();
            pool.requeue(t, assigned);
            return;
        }
        if (load.flagB()) {                   // parked
            LockSupport.unpark(thread);
        }
        if (load.get() < 0) {                 // retired meanwhile: take it back unless the worker got it
            pool.requeue(t, assigned);
        }
    }

    /** True while the worker is idle and spinning: the cheapest worker to hand a task to. */
    boolean spinning() {
        return load.flagA();
    }

    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Interrupts the thread if it is still running {@code t}; never hits the next task. */
    boolean interrupt(Task t) {
        Own o = own;
        if (o == null || !Own.CURRENT.compareAndSet(o, t, INTERRUPTING)) {
            return false;
        }
        try {
            thread.interrupt();
        } finally {
            o.current = INTERRUPTED;
        }
        return true;
    }

    /** True if the task numbered {@code s} was interrupted and has still not returned. */
    boolean stuckOn(long s) {
        Own o = own;
        return o != null && (long) Own.SEQ.getAcquire(o) == s && o.current == INTERRUPTED;
    }

    Object current() {
        Own o = own;
        return o == null ? null : o.current;
    }

    /** Tasks this worker completed (synchronous ones; asynchronous ones are counted by the pool). */
    long completed() {
        Own o = own;
        return o == null ? 0 : (long) Own.COMPLETED.getAcquire(o);
    }

    long runNanos() {
        Own o = own;
        return o == null ? 0 : (long) Own.RUN_NANOS.getAcquire(o);
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run(WorkerContext ctx) {
        own = new Own();                      // allocated here, in this thread's memory
        thread = Thread.currentThread();
        ON_THREAD.set(this);
        Loop loop = Loop.current();
        try {
            work(loop, new Handler(pool.options.entry()));
        } finally {
            ON_THREAD.remove();
            pool.crew.exited(this);
        }
        if (loop == null || !loop.isStopping()) {
            ctx.exit(0);                      // leave at once, even if a task left a port listening
        }
    }

    private void work(Loop loop, Handler h) {
        Own o = own;
        for (;;) {
            if (loop != null) {
                if (loop.isStopping()) {
                    return;
                }
                loop.runReady();              // events a task set up (port listeners, callbacks): between tasks too
            }
            Task t = inbox.poll();
            if (t != null) {
                idleSince = 0;
                runHeld(t, assigned, o, loop, h);
                continue;
            }
            if (!pool.pending.isEmpty() && tryReserve()) {
                t = pool.pending.poll() instanceof Task q ? q : null;
                if (t == null) {
                    load.decrementAndGet();
                    continue;
                }
                idleSince = 0;
                runHeld(t, Task.QUEUED, o, loop, h);
                continue;
            }
            if (pool.state >= Dispatcher.STOPPING || load.get() < 0 || !idle(loop)) {
                return;
            }
        }
    }

    /**
     * Runs {@code t} (in state {@code expect}: in this inbox, or just taken from the queue) with
     * the slot it holds, then keeps the slot for queued tasks while there are any.
     */
    private void runHeld(Task t, int expect, Own o, Loop loop, Handler h) {
        for (;;) {
            if (t != null && execute(t, expect, o, loop, h)) {
                return;                       // async: the slot is released when the stage completes
            }
            if (load.get() < 0 || pool.state >= Dispatcher.STOPPING) {
                break;
            }
            if (loop != null) {
                if (loop.isStopping()) {
                    break;
                }
                loop.runReady();
            }
            QueuedTask q = pool.pending.poll();
            if (q == null) {
                break;
            }
            t = (Task) q;
            expect = Task.QUEUED;
        }
        load.decrementAndGet();               // then the loop looks at the queue again (see Dispatcher)
    }

    /**
     * Claims {@code t} (state {@code expect} → RUNNING; a task withdrawn meanwhile is skipped)
     * and runs it.
     *
     * @return true if the task went asynchronous and keeps its slot
     */
    private boolean execute(Task t, int expect, Own o, Loop loop, Handler h) {
        if (t.phase() != expect) {            // a cancelled queue entry, or taken back
            return false;
        }
        long s = o.seq + 1;
        t.seq = s;
        t.runner = this;
        Own.SEQ.setRelease(o, s);
        Own.CURRENT.setRelease(o, t);         // all published by the claiming CAS below
        AbortSignal signal = t.signal;
        if (signal != null && signal.aborted()) {  // aborting a shared signal is not atomic across its tasks
            t.stop(WorkerPool.aborted(signal), false);
        }
        if (!t.cas(expect, Task.RUNNING)) {   // withdrawn or taken back: skip it
            Own.CURRENT.setRelease(o, null);
            return false;
        }
        if (expect == Task.QUEUED) {
            pool.dequeued();
        }
        long start = System.nanoTime();
        Object result = null;
        Throwable error = null;
        try {
            result = h.call(t.function, t.input);
        } catch (Throwable e) {
            error = e;
        }
        if (!Own.CURRENT.compareAndSet(o, t, null)) {
            while (o.current != INTERRUPTED) {  // a canceller is inside interrupt(): let it finish
                Thread.onSpinWait();
            }
            o.current = null;
        }
        Thread.interrupted();                 // an interrupt meant for this task must not hit the next
        long end = System.nanoTime();
        if (error == null && result instanceof CompletionStage<?> stage) {
            times.record(-1, start - t.createdNanos);   // wait only
            pool.runAsync(t, stage, this, start);
            return true;
        }
        times.record(end - start, start - t.createdNanos);
        Own.RUN_NANOS.setRelease(o, o.runNanos + (end - start));
        Own.COMPLETED.setRelease(o, o.completed + 1);
        t.markDone();
        if (error == null) {
            t.complete(result);
            return false;
        }
        if (loop != null && loop.isStopping()) {  // exit() or terminate(): this worker is dying
            t.completeExceptionally(new PoolException(PoolErrorCode.ERR_WORKER_DIED, "worker '"
                    + Thread.currentThread().getName() + "' exited while running this task", error));
            throw Dispatcher.sneaky(error);
        }
        pool.failed.increment();
        t.completeExceptionally(error);
        return false;
    }

    /** Waits for work: spins within the pool's budget, then parks. @return false if it retired */
    private boolean idle(Loop loop) {
        pool.shutdown.onIdle();
        if (pool.trySpin()) {
            load.flagA(true);                 // spinning
            try {
                long end = System.nanoTime() + Spin.WINDOW_NANOS;
                for (int i = 1; !hasWork(loop); i++) {
                    if ((i & 63) == 0 && System.nanoTime() - end > 0) {
                        break;
                    }
                    Thread.onSpinWait();
                }
            } finally {
                load.flagA(false);
                pool.endSpin();
            }
        }
        if (hasWork(loop)) {
            return true;
        }
        long now = System.nanoTime();
        if (idleSince == 0) {
            idleSince = now;
        }
        long timeout = pool.options.idleTimeout().toNanos();
        long left = idleSince + timeout - now;
        if (left <= 0) {
            if (pool.crew.tryRetireIdle(this)) {
                return false;
            }
            idleSince = now;
            left = timeout > 0 ? timeout : Long.MAX_VALUE;
        }
        load.flagB(true);                     // parked: producers that hand us a task unpark us
        try {
            if (loop != null) {
                loop.awaitWork(left, () -> hasWork(loop));  // an event posted to the loop wakes us too
            } else if (!hasWork(null)) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            load.flagB(false);
        }
        Thread.interrupted();                 // a stray interrupt must not turn parking into spinning
        return true;
    }

    private boolean hasWork(Loop loop) {
        return !inbox.isEmpty() || (load.get() < pool.perWorker && !pool.pending.isEmpty())
                || pool.state >= Dispatcher.STOPPING || (loop != null && (loop.isStopping() || loop.hasReady()));
    }

    @Override
    public String toString() {
        return "PoolWorker[" + id + ", load=" + load.get() + "]";
    }
}

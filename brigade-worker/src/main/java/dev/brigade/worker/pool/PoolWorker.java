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
    /** One nap: a timed park nobody has to cut short (timer slack makes it 50-100 µs). */
    private static final long NAP_NANOS = 50_000;
    /** How long after its last task an idle worker naps before it parks until unparked. */
    private static final long NAP_PERIOD_NANOS = Long.getLong("brigade.pool.napMicros", 2_000L) * 1_000L;
    /**
     * Spin rounds (about 5 µs) after which a spinning worker yields its core on each round: on
     * a busy machine the producer it waits for may be the thread waiting for a core, and a pure
     * spinner would hold that core for the whole window.
     */
    private static final int YIELD_AFTER = Integer.getInteger("brigade.pool.yieldAfterSpins", 128);
    final Dispatcher pool;
    final int id;
    final int assigned;                       // Task state meaning "in my inbox"
    final int stripe;                         // my counter of tasks taken from the queue (QueueDepth)
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
        long idleSince;                       // 0 when busy
        boolean active;                       // counted in the pool's active threads
    }

    PoolWorker(Dispatcher pool, int id) {
        this.pool = pool;
        this.id = id;
        this.assigned = Task.ASSIGNED + id;
        this.stripe = pool.queued.stripeOf(id);
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
        if (load.flagB() || (load.flagC() && pool.noneActive())) {   // parked; or napping while no worker runs or spins
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
            if (own.active) {
                own.active = false;
                pool.becomeInactive();
            }
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
                busy(o);
                runHeld(t, assigned, o, loop, h);
                continue;
            }
            if (!pool.pending.isEmpty() && tryReserve()) {
                t = pool.pending.poll() instanceof Task q ? q : null;
                if (t == null) {
                    load.decrementAndGet();
                    continue;
                }
                busy(o);
                runHeld(t, Task.QUEUED, o, loop, h);
                continue;
            }
            if (pool.state >= Dispatcher.STOPPING || load.get() < 0 || !idle(loop)) {
                return;
            }
        }
    }

    private void busy(Own o) {
        o.idleSince = 0;
        if (!o.active) {
            o.active = true;
            pool.becomeActive();
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
        AbortSignal signal = t.signal;
        if (signal != null && signal.aborted()) {  // aborting a shared signal is not atomic across its tasks
            t.stop(WorkerPool.aborted(signal), false);
        }
        if (!t.cas(expect, Task.RUNNING)) {   // withdrawn, or claimed by another worker: skip it
            return false;
        }
        // Only the worker that won the claim says who runs the task: a loser that wrote these
        // first could be interrupted in the winner's place. A canceller that saw RUNNING before
        // they were set left its request in the task; the check after CURRENT (both volatile)
        // makes sure one of the two sides delivers the interrupt.
        long s = o.seq + 1;
        t.seq = s;
        t.runBy(this);
        Own.SEQ.setRelease(o, s);
        Own.CURRENT.setVolatile(o, t);
        if (t.interruptRequested) {
            pool.crew.interrupt(t);
        }
        if (expect == Task.QUEUED) {
            pool.dequeued(stripe);
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
        if (error == null && pool.options.async() && result instanceof CompletionStage<?> stage) {
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
            PoolException stopped = pool.shutdown.reason();   // the pool's stop may have missed a task just claimed
            t.completeExceptionally(stopped != null ? stopped : new PoolException(PoolErrorCode.ERR_WORKER_DIED, "worker '"
                    + Thread.currentThread().getName() + "' exited while running this task", error));
            throw Dispatcher.sneaky(error);
        }
        pool.failed.increment();
        t.completeExceptionally(error);
        return false;
    }

    /**
     * Waits for work: spins if the pool's budget allows (it keeps a core for the caller), else
     * naps (short timed parks that producers need not wake: no futex call on their side), then
     * parks until a producer unparks it or the idle timeout. @return false if it retired
     */
    private boolean idle(Loop loop) {
        Own o = own;
        if (o.active) {
            o.active = false;
            pool.becomeInactive();
        }
        pool.shutdown.onIdle();
        long now = System.nanoTime();
        if (o.idleSince == 0) {
            o.idleSince = now;
        }
        if (pool.trySpin()) {
            load.flagA(true);                 // spinning
            boolean found = false;
            try {
                long end = now + Spin.WINDOW_NANOS;
                for (int i = 1; !(found = hasWork(loop)); i++) {
                    // the clock every 64 spins, and after every yield: on a busy machine one yield can
                    // give the core away for a whole time slice, and 64 of them overran the window by
                    // hundreds of ms (the worker counted as spinning all along, and never napped after)
                    if (((i & 63) == 0 || i > YIELD_AFTER) && System.nanoTime() - end > 0) {
                        break;
                    }
                    if (i <= YIELD_AFTER) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();           // still nothing: let a runnable thread (the caller) have this core
                    }
                }
            } finally {
                load.flagA(false);
                if (found) {
                    o.active = true;          // straight from spinning to running: stays counted
                } else {
                    pool.becomeInactive();
                }
            }
        }
        if (hasWork(loop)) {
            return true;
        }
        now = System.nanoTime();
        long timeout = pool.options.idleTimeout().toNanos();
        long left = o.idleSince + timeout - now;
        if (now - o.idleSince < NAP_PERIOD_NANOS && left > 0) {
            load.flagC(true);                 // napping: a producer wakes us only if no worker is running or spinning
            try {
                nap(loop, Math.min(left, NAP_NANOS));
            } finally {
                load.flagC(false);
            }
            return true;
        }
        if (left <= 0) {
            if (pool.crew.tryRetireIdle(this)) {
                return false;
            }
            o.idleSince = now;
            left = timeout > 0 ? timeout : Long.MAX_VALUE;
        }
        load.flagB(true);                     // parked: producers that hand us a task unpark us
        try {
            nap(loop, left);
        } finally {
            load.flagB(false);
        }
        return true;
    }

    private void nap(Loop loop, long nanos) {
        if (loop != null) {
            loop.awaitWork(nanos, () -> hasWork(loop));  // an event posted to the loop wakes us too
        } else if (!hasWork(null)) {
            LockSupport.parkNanos(this, nanos);
        }
        Thread.interrupted();                 // a stray interrupt must not turn parking into spinning
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

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.SingleWriterRecorder;
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
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(PoolWorker.class, "current", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Dispatcher pool;
    final int id;
    final int assigned;                       // Task state meaning "in my inbox"
    final MpscAtomicArrayQueue<Task> inbox;   // producers: anyone holding a reserved slot; consumer: this thread
    /** Slots held: tasks in the inbox, running, or pending asynchronously; + RETIRED once retired. */
    final AtomicInteger load = new AtomicInteger();
    final AtomicBoolean counted = new AtomicBoolean(true);   // still counted in the pool's live workers
    final AtomicBoolean removed = new AtomicBoolean();
    final SingleWriterRecorder runTimes = new SingleWriterRecorder(3);
    final SingleWriterRecorder waitTimes = new SingleWriterRecorder(3);
    volatile long completed;                  // written by this thread only
    volatile long runNanos;                   // written by this thread only
    volatile Worker worker;
    private volatile Thread thread;
    private volatile boolean parked;
    volatile boolean spinning;                // idle and spinning: the cheapest worker to hand a task to
    private volatile Object current;          // the running Task, or an interrupt marker
    private volatile long seq;                // number of the task started last
    private long idleSince;                   // this thread only; 0 when busy

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
        if (parked) {
            LockSupport.unpark(thread);
        }
        if (load.get() < 0) {                 // retired meanwhile: take it back unless the worker got it
            pool.requeue(t, assigned);
        }
    }

    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Interrupts the thread if it is still running {@code t}; never hits the next task. */
    boolean interrupt(Task t) {
        if (!CURRENT.compareAndSet(this, t, INTERRUPTING)) {
            return false;
        }
        try {
            thread.interrupt();
        } finally {
            current = INTERRUPTED;
        }
        return true;
    }

    /** True if the task numbered {@code s} was interrupted and has still not returned. */
    boolean stuckOn(long s) {
        return seq == s && current == INTERRUPTED;
    }

    Object current() {
        return current;
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run(WorkerContext ctx) {
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
        for (;;) {
            if (loop != null && loop.isStopping()) {
                return;
            }
            Task t = inbox.poll();
            if (t == null && !pool.pending.isEmpty() && tryReserve()) {
                t = pool.pollPending(assigned);
                if (t == null) {
                    load.decrementAndGet();
                    continue;
                }
            }
            if (t != null) {
                idleSince = 0;
                runHeld(t, loop, h);
                continue;
            }
            if (pool.state >= Dispatcher.STOPPING || load.get() < 0 || !idle(loop)) {
                return;
            }
        }
    }

    /** Runs {@code t} with the slot it holds, then keeps the slot for queued tasks while there are any. */
    private void runHeld(Task t, Loop loop, Handler h) {
        while (t != null) {
            if (execute(t, loop, h)) {
                return;                       // async: the slot is released when the stage completes
            }
            if (load.get() < 0 || pool.state >= Dispatcher.STOPPING) {
                break;
            }
            t = pool.pollPending(assigned);
        }
        load.decrementAndGet();               // then the loop looks at the queue again (see Dispatcher)
    }

    /** @return true if the task went asynchronous and keeps its slot */
    private boolean execute(Task t, Loop loop, Handler h) {
        long s = seq + 1;
        t.seq = s;
        seq = s;
        current = t;
        t.runner = this;
        AbortSignal signal = t.signal;
        if (signal != null && signal.aborted()) {  // aborting a shared signal is not atomic across its tasks
            t.stop(WorkerPool.aborted(signal), false);
        }
        if (!t.cas(assigned, Task.RUNNING)) {  // withdrawn or taken back: skip it
            current = null;
            return false;
        }
        long start = System.nanoTime();
        Object result = null;
        Throwable error = null;
        try {
            result = h.call(t.function, t.input);
        } catch (Throwable e) {
            error = e;
        }
        if (!CURRENT.compareAndSet(this, t, null)) {
            while (current != INTERRUPTED) {  // a canceller is inside interrupt(): let it finish
                Thread.onSpinWait();
            }
            current = null;
        }
        Thread.interrupted();                 // an interrupt meant for this task must not hit the next
        long end = System.nanoTime();
        waitTimes.recordValue(Math.max(0, start - t.createdNanos));
        if (error == null && result instanceof CompletionStage<?> stage) {
            pool.runAsync(t, stage, this, start);
            return true;
        }
        runTimes.recordValue(end - start);
        runNanos = runNanos + (end - start);
        completed = completed + 1;
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
            spinning = true;
            try {
                long end = System.nanoTime() + Spin.WINDOW_NANOS;
                for (int i = 1; !hasWork(loop); i++) {
                    if ((i & 63) == 0 && System.nanoTime() - end > 0) {
                        break;
                    }
                    Thread.onSpinWait();
                }
            } finally {
                spinning = false;
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
        parked = true;
        try {
            if (!hasWork(loop)) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            parked = false;
        }
        Thread.interrupted();                 // a stray interrupt must not turn parking into spinning
        return true;
    }

    private boolean hasWork(Loop loop) {
        return !inbox.isEmpty() || (load.get() < pool.perWorker && !pool.pending.isEmpty())
                || pool.state >= Dispatcher.STOPPING || (loop != null && loop.isStopping());
    }

    @Override
    public String toString() {
        return "PoolWorker[" + id + ", load=" + load.get() + "]";
    }
}

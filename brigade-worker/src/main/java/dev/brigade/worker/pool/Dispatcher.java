package dev.brigade.worker.pool;

import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * How a task gets from {@code run} to a worker thread, and why it is fast and never lost.
 *
 * <h2>Shape</h2>
 * Each worker has a bounded <b>inbox</b> (a jctools MPSC array queue: many producers, its own
 * thread the only consumer) and a <b>load</b> counter: the slots it holds, at most
 * {@code concurrentTasksPerWorker} (c). Behind the workers sits one shared <b>pending</b> queue
 * (the pluggable {@link TaskQueue}) with its depth in {@link #queued}. A producer that finds a
 * worker with room <em>reserves</em> a slot (CAS on load), then offers the task to that worker's
 * inbox: least-loaded dispatch, no lock, and the first idle worker is preferred so a lone caller
 * keeps hitting the same warm, spinning thread. Only when every worker is full does the task go
 * to the pending queue (that is where {@code maxQueue} is enforced, by one atomic increment and
 * a read of the counters, in O(1); an unbounded queue only increments). A worker that finishes a task keeps its slot and pulls the next pending task itself,
 * so under load tasks flow queue → worker with no hand-off and no wake-up at all.
 *
 * <h2>Never losing a task: every release is followed by a look at the queue</h2>
 * A task is always covered either by {@link #queued} or by a held slot. The race to fear is a
 * producer that sees every worker full and queues its task while the last busy worker releases
 * its slot and goes idle. Both sides follow the same two-step rule, with a full fence between
 * the steps (an atomic update; after a queue offer, the CAS that publishes it in the built-in
 * queues, or {@link VarHandle#fullFence()} for a queue of the user's):
 * <pre>
 *   producer: offer to pending ; fence ; look at the loads  → reserve a slot and move the head ({@link #rescue})
 *   worker:   release its slot ; fence ; look at pending    → reserve a slot and take the head
 * </pre>
 * Sequential consistency of the fenced accesses means at least one side sees the other, and the
 * reservation CAS decides who moves the task. The same rule covers retiring (an idle worker
 * retires by CAS of its load from 0 to {@link PoolWorker#RETIRED}, so a producer can never
 * reserve a worker that is leaving: the race Piscina shipped, where a task was handed to a worker
 * whose idle timeout had just fired) and growth (a producer that finds no room starts a worker
 * if there are fewer than maxThreads).
 *
 * <h2>Claiming</h2>
 * Who runs, cancels or moves a task is decided by a CAS on the task's state (see {@link Task}).
 * An assigned task's state names the worker; a retired worker's inbox is emptied by stealing
 * (CAS back to QUEUED), so a worker that comes back late from a stuck task can never run a task
 * that was given to someone else. Cancelling a queued task is that CAS plus one decrement: the
 * entry stays in the queue as a tombstone that whoever polls it drops.
 *
 * <h2>Waiting</h2>
 * An idle worker spins (about 50 µs, {@code brigade.spinMicros}) before it parks, because waking
 * a parked thread costs ~25 µs on these VMs. Spinning is allowed only while the pool's active
 * threads (running a task or spinning) leave a core for the caller: on 2 vCPUs one worker, and
 * only if the other is not running a task (caller + busy worker + spinner would be three threads
 * on two cores, and the spinner would steal the caller's time). After about 5 µs a spinner
 * yields its core on each round ({@code brigade.pool.yieldAfterSpins}): on a busy machine the
 * producer it waits for may be the thread waiting for a core. A worker that may not spin, or
 * whose spin found nothing, <em>naps</em> for about 2 ms ({@code brigade.pool.napMicros}):
 * timed parks of ~50 µs that a producer does not cut short while another worker is running or
 * spinning (that one takes the queued tasks; the producer pays no futex call). When no worker is
 * active the producer does unpark a napping worker it hands a task to: otherwise, once the
 * caller had been descheduled long enough for every worker to start napping, a whole window of
 * tasks would wait out a nap. Likewise a producer that queues a task behind full workers wakes
 * one napping worker (the first to clear its napping flag, so at most one unpark per nap): the
 * worker counted active may be one the OS has descheduled. After the nap period a worker parks for good (until the idle
 * timeout), and producers unpark it. Wake-ups use the same Dekker pattern: the worker publishes
 * {@code parked} (or napping) then re-checks its inbox; a producer offers then reads the flag.
 *
 * <h2>Cache lines</h2>
 * What producers and a worker exchange on each hand-off (the worker's load and its spinning,
 * parked and napping flags) sits alone on its cache line ({@link HotLine}). The queue depth is
 * a counter producers write and one stripe per worker that worker writes ({@link QueueDepth}),
 * so under load no counter line travels between cores on every task; the default queue keeps
 * its head (polled by the workers) and its tail (offered to by the callers) on separate lines
 * ({@link LinkedTaskQueue}). What a worker writes on every task (counters, the running task)
 * lives in an object allocated on its own thread. Per task a worker appends its run and wait
 * times to a ring with plain writes ({@link TaskTimes}; no atomic instruction, moved to the
 * histograms in batches) and a queued task is claimed with one CAS (QUEUED → RUNNING).
 *
 * <h2>Events between tasks</h2>
 * A worker thread has an event loop (port listeners a task set up, callbacks posted to it). The
 * worker runs the loop's ready events before each task and while idle, and its naps and parks
 * end when an event is posted, so background async work does not wait for the worker to retire.
 */
final class Dispatcher {
    static final int RUNNING = 0;
    static final int CLOSING = 1;
    static final int STOPPING = 2;
    /**
     * Tasks were queued behind full workers: wake one worker that is napping (at most one unpark
     * per nap; see {@link Crew#wakeNapper}). Without it, a worker counted active that the OS
     * descheduled (a busy machine) leaves queued tasks to napping workers' timed wake-ups.
     */
    private static final boolean WAKE_NAPPERS = !Boolean.getBoolean("brigade.pool.noNapperWake");

    final PoolOptions<?, ?> options;
    final int perWorker;
    final int maxQueue;
    final TaskQueue pending;
    final QueueDepth queued;                       // tasks in the pending queue (in/out counters, each on its line)
    /** The built-in queues publish an offer with a CAS (a full fence): no extra fence is needed after it. */
    private final boolean offerFences;
    final Crew crew;
    final Shutdown shutdown;
    final ScheduledThreadPoolExecutor timer;
    final LongAdder failed = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final Recorder asyncRunTimes = new Recorder(3);
    final Set<Task> asyncTasks = ConcurrentHashMap.newKeySet();
    final Drain drain = new Drain(this);
    final Stats stats = new Stats();
    final LongAdder asyncDone = new LongAdder();
    final String name;
    volatile int state = RUNNING;
    /** Workers running tasks or spinning: the threads of this pool that want a core now. */
    private final HotLine active = new HotLine();
    private final int maxActiveForSpin = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    Dispatcher(PoolOptions<?, ?> options, TaskQueue pending, ScheduledThreadPoolExecutor timer) {
        this.options = options;
        this.perWorker = options.concurrentTasksPerWorker();
        this.maxQueue = options.maxQueue();
        this.pending = pending;
        this.queued = new QueueDepth(options.maxThreads());
        this.offerFences = pending instanceof TaskQueue.Fifo || pending instanceof TaskQueue.Fixed;
        this.timer = timer;
        this.name = options.workerOptions().name();
        this.crew = new Crew(this);
        this.shutdown = new Shutdown(this);
    }

    void submit(Task t) {
        int s = state;
        if (s != RUNNING) {
            t.completeExceptionally(shutdown.rejection());
            return;
        }
        PoolWorker w;
        while ((w = crew.leastLoaded()) != null && queued.get() == 0) {   // room, nobody waiting: straight to the worker
            if (w.tryReserve()) {                  // (the loads first: under load every worker is full, and the depth is not read)
                t.initState(w.assigned);
                w.deliver(t);
                return;
            }
        }
        int depth;
        if (maxQueue == Integer.MAX_VALUE) {       // unbounded: the depth cannot pass the limit, and is not read
            queued.add();
            depth = 0;
        } else {
            depth = queued.addAndGet();
        }
        if (depth > maxQueue) {
            queued.remove(0);
            rejected.increment();
            t.completeExceptionally(new PoolException(PoolErrorCode.ERR_QUEUE_FULL, "the task queue is full: maxQueue="
                    + maxQueue + ", queued=" + (depth - 1) + ", workers=" + crew.live() + " (all busy); wait for drain()"
                    + " or raise options.maxQueue"));
            return;
        }
        t.initState(Task.QUEUED);
        enqueue(t);
        rescue();
    }

    private void enqueue(Task t) {
        if (!pending.offer(t)) {
            if (t.cas(Task.QUEUED, Task.DONE)) {
                dequeued();
                rejected.increment();
                t.completeExceptionally(new PoolException(PoolErrorCode.ERR_QUEUE_FULL, "the task queue refused the task"
                        + " (queued=" + queued.get() + ", maxQueue=" + maxQueue + ")"));
            }
            return;
        }
        if (!offerFences) {
            VarHandle.fullFence();
        }
        if (state >= STOPPING) {
            shutdown.sweepPending();
        }
    }

    /** Moves pending tasks to workers with room, starting workers if none has room. */
    void rescue() {
        for (;;) {
            PoolWorker w = crew.leastLoaded();   // first: under load every worker is full, and their lines are not written
            if (w == null) {
                if (crew.canGrow() && !pending.isEmpty() && crew.grow()) {
                    continue;
                }
                if (WAKE_NAPPERS) {
                    crew.wakeNapper();
                }
                return;
            }
            if (pending.isEmpty()) {
                return;
            }
            if (!w.tryReserve()) {
                continue;
            }
            Task t = pollPending(w.assigned);
            if (t == null) {
                w.load.decrementAndGet();
                continue;
            }
            w.deliver(t);
        }
    }

    /** Takes the first live pending task, claiming it with state {@code claimAs}; drops tombstones. */
    Task pollPending(int claimAs) {
        QueuedTask q;
        while ((q = pending.poll()) != null) {
            Task t = (Task) q;
            if (t.cas(Task.QUEUED, claimAs)) {
                dequeued();
                return t;
            }
        }
        return null;
    }

    void dequeued() {
        dequeued(0);
    }

    /** A queued task left the queue; {@code stripe}: the claiming worker's ({@link QueueDepth#stripeOf}), or 0. */
    void dequeued(int stripe) {
        queued.remove(stripe);
        drain.maybeSignal();
    }

    /** Puts a task back in the queue (its worker retired or died), beyond maxQueue if need be. */
    void requeue(Task t, int expect) {
        queued.add();
        if (!t.cas(expect, Task.QUEUED)) {
            dequeued();
            return;
        }
        enqueue(t);
        rescue();
    }

    /** The task's future was completed from outside (cancel, timeout, abort): take it back. */
    void withdraw(Task t, boolean interrupt) {
        for (;;) {
            int s = t.phase();
            if (s == Task.QUEUED) {
                if (t.cas(s, Task.DONE)) {
                    dequeued();
                    return;
                }
            } else if (s >= Task.ASSIGNED) {
                if (t.cas(s, Task.DONE)) {    // its worker skips it and frees the slot
                    return;
                }
            } else {
                if (s == Task.RUNNING && interrupt) {
                    crew.interrupt(t);
                }
                return;
            }
        }
    }

    /** A task returned a CompletionStage: it keeps its slot on {@code w} until the stage completes. */
    void runAsync(Task t, CompletionStage<?> stage, PoolWorker w, long start) {
        asyncTasks.add(t);
        stage.whenComplete((v, e) -> {
            asyncRunTimes.recordValue(Math.max(0, System.nanoTime() - start));
            asyncDone.increment();
            t.markDone();
            if (e == null) {
                t.complete(v);
            } else {
                failed.increment();
                t.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
            asyncTasks.remove(t);
            w.load.decrementAndGet();
            w.wake();
            rescue();
            shutdown.onIdle();
        });
    }

    /** Schedules on the pool's timer; a no-op once the pool has terminated. */
    void schedule(Runnable r, long nanos) {
        try {
            timer.schedule(r, nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // terminated: nothing left to time
        }
    }

    /**
     * An idle worker may spin only while the pool's active threads (running a task or spinning)
     * leave a core for the caller: on 2 cores, one, and only if no other worker is running a task.
     * If it may, it counts itself active.
     */
    boolean trySpin() {
        for (;;) {
            int n = active.get();
            if (n >= maxActiveForSpin) {
                return false;
            }
            if (active.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * True if no worker is running a task or spinning: a task handed to a napping worker would
     * then wait out the nap (50-100 µs) with nobody else to take queued tasks, so the producer
     * wakes it. While some worker is active, naps are left to end by themselves (no futex call).
     */
    boolean noneActive() {
        return active.get() <= 0;
    }

    /** A worker starts running tasks (it was not counted active). */
    void becomeActive() {
        active.incrementAndGet();
    }

    /** A worker stops spinning or running tasks. */
    void becomeInactive() {
        active.decrementAndGet();
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}

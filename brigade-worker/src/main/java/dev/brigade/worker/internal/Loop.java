package dev.brigade.worker.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * An event loop: one thread runs, in order, the tasks any thread posts to it.
 *
 * <p>Every worker thread runs one after its entry returns; message deliveries, port close events
 * and the worker's own callbacks are tasks on it, so a worker's handlers never run concurrently
 * with each other. Threads that are not workers get their events on the process's main loop
 * ({@link #main()}), the counterpart of Node's main thread.
 *
 * <p>A loop that runs "until idle" ends when its queue is empty and nothing holds a reference on
 * it ({@link #ref()}: a port with a listener, for instance) — Node's rule for when a worker's
 * event loop has nothing left to do. Idle waiting spins briefly ({@link Spin}) then parks.
 *
 * <p>Wake-up protocol: a poster offers its task, then reads {@code parked}; the loop writes
 * {@code parked}, then re-reads the queue before parking. Both sides use volatile accesses, so at
 * least one of them sees the other (no lost wake-up).
 */
public final class Loop implements Executor {
    private static final ThreadLocal<Loop> CURRENT = new ThreadLocal<>();

    private final MpscUnboundedAtomicArrayQueue<Runnable> tasks = new MpscUnboundedAtomicArrayQueue<>(32);
    private final AtomicInteger refs = new AtomicInteger();
    private final java.util.Set<AutoCloseable> owned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Consumer<Throwable> uncaught;
    private volatile Thread thread;
    private volatile boolean parked;
    private volatile boolean stopping;
    private boolean isMain;
    private KeepAlive keepAlive;              // main loop only: holds the JVM open while refs > 0

    /**
     * A loop that no thread runs yet (see {@link #enter()}).
     *
     * @param uncaught receives what a task throws; it may call {@link #stop()}
     */
    public Loop(Consumer<Throwable> uncaught) {
        this.uncaught = uncaught;
    }

    /**
     * The loop the current thread runs, or null if it runs none.
     *
     * @return the loop, or null
     */
    public static Loop current() {
        return CURRENT.get();
    }

    /**
     * The loop of the current thread if it runs one, otherwise the main loop.
     *
     * @return the current thread's loop, or the main loop
     */
    public static Loop currentOrMain() {
        Loop l = CURRENT.get();
        return l != null ? l : main();
    }

    /**
     * The process's main loop, for non-worker threads: a daemon thread started on first use. While
     * something holds a {@link #ref()} on it (a worker that has not exited, a port listening here),
     * a non-daemon thread keeps the JVM alive, so that a {@code main} that returns still gets its
     * events, as a Node script does.
     *
     * @return the main loop
     */
    public static Loop main() {
        return MainLoop.INSTANCE;
    }

    @Override
    public void execute(Runnable task) {
        tasks.offer(task);
        wake();
    }

    /**
     * Keeps an until-idle loop alive (a listening port, a pending callback). On the main loop it
     * keeps the JVM alive instead, as Node's ref'd handles keep its process alive.
     */
    public void ref() {
        refs.incrementAndGet();
        if (keepAlive != null) {
            keepAlive.hold();
        }
    }

    /** Releases a {@link #ref()}; the loop (or, for the main loop, the JVM) may now end if it has nothing else to do. */
    public void unref() {
        if (refs.decrementAndGet() <= 0) {
            wake();
            if (keepAlive != null) {
                keepAlive.release();
            }
        }
    }

    /**
     * Remembers a port or channel whose listener runs here, to close it when the loop's worker ends.
     *
     * @param resource a port or channel whose listener runs on this loop
     */
    public void own(AutoCloseable resource) {
        if (!isMain) { // the main loop never ends, so it closes nothing: do not pin what it serves
            owned.add(resource);
        }
    }

    /**
     * Forgets a resource that moved elsewhere (a transferred port) or closed.
     *
     * @param resource a port or channel whose listener runs on this loop
     */
    public void disown(AutoCloseable resource) {
        owned.remove(resource);
    }

    /** Closes every resource still owned: Node closes a worker's ports when it exits. */
    public void closeOwned() {
        for (AutoCloseable r : owned) {
            owned.remove(r);
            try {
                r.close();
            } catch (Exception e) {
                uncaught.accept(e);
            }
        }
    }

    /** Asks the loop to return from {@link #run} after the task in progress. */
    public void stop() {
        stopping = true;
        wake();
    }

    /**
     * Whether {@link #stop()} was called.
     *
     * @return true once stopping
     */
    public boolean isStopping() {
        return stopping;
    }

    /**
     * True if the calling thread is this loop's thread.
     *
     * @return true if the calling thread is this loop's thread
     */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void wake() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Binds this loop to the calling thread; done by the thread before its entry code runs. */
    public void enter() {
        thread = Thread.currentThread();
        CURRENT.set(this);
    }

    /**
     * Runs tasks on the calling thread (which must have {@link #enter() entered}) until
     * {@link #stop()} or, when {@code untilIdle}, until the queue is empty and no refs remain.
     *
     * @param untilIdle true to return once the queue is empty and nothing holds a ref
     */
    public void run(boolean untilIdle) {
        while (!stopping) {
            Runnable task = tasks.poll();
            if (task != null) {
                runTask(task);
                continue;
            }
            if (untilIdle && refs.get() <= 0) {
                return;
            }
            idle(untilIdle);
        }
    }

    /**
     * Runs, on the loop's thread, the tasks that were waiting when called (not those they post),
     * and returns at once: for a thread that runs other work between its events (a pool worker
     * between tasks). Stops early if the loop is stopping.
     *
     * @return how many tasks ran
     */
    public int runReady() {
        if (tasks.isEmpty()) {
            return 0;
        }
        int n = tasks.size();
        int ran = 0;
        Runnable task;
        while (ran < n && !stopping && (task = tasks.poll()) != null) {
            runTask(task);
            ran++;
        }
        return ran;
    }

    /**
     * True if tasks are waiting to run.
     *
     * @return true if tasks are waiting to run
     */
    public boolean hasReady() {
        return !tasks.isEmpty();
    }

    /**
     * Parks the loop's thread for at most {@code nanos} unless a task is waiting, the loop is
     * stopping, or {@code ready} answers true. A task posted meanwhile wakes it (same protocol as
     * {@link #run}); whoever makes {@code ready} true must unpark the thread itself. Does not run
     * anything and does not spin; a stray interrupt is cleared.
     *
     * @param nanos the longest park
     * @param ready answers true when the caller has work besides tasks
     */
    public void awaitWork(long nanos, BooleanSupplier ready) {
        parked = true;
        try {
            if (tasks.isEmpty() && !stopping && !ready.getAsBoolean()) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            parked = false;
        }
        if (!stopping) {
            Thread.interrupted();
        }
    }

    private void runTask(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            uncaught.accept(t);
        }
    }

    private void idle(boolean untilIdle) {
        if (Spin.spinUntil(() -> !tasks.isEmpty() || stopping || (untilIdle && refs.get() <= 0))) {
            return;
        }
        parked = true;
        try {
            if (tasks.isEmpty() && !stopping && !(untilIdle && refs.get() <= 0)) {
                LockSupport.park(this);
            }
        } finally {
            parked = false;
        }
        if (!stopping) {
            Thread.interrupted(); // a stray interrupt must not turn park() into a busy loop
        }
    }

    /** Holder idiom: the main loop starts on first use only. */
    private static final class MainLoop {
        static final Loop INSTANCE = start();

        private static Loop start() {
            Loop loop = new Loop(t -> System.getLogger("dev.brigade.worker")
                    .log(System.Logger.Level.ERROR, "an event handler on the main loop threw", t));
            Thread t = new Thread(() -> {
                loop.enter();
                loop.run(false);
            }, "brigade-main");
            t.setDaemon(true);
            loop.thread = t;
            loop.isMain = true;
            loop.keepAlive = new KeepAlive(loop.refs);
            t.start();
            return loop;
        }
    }

    /**
     * A non-daemon thread that exists only while the main loop's refs are above zero: it parks
     * until they drop to zero, then ends, letting the JVM exit once {@code main} has returned.
     *
     * <p>At most one holder runs: starting one needs the CAS of {@code running} from false to
     * true; a holder that sees the refs at zero clears {@code running}, then reads the refs again
     * and goes on holding only if they rose meanwhile and it wins that CAS again. A {@link #hold}
     * that saw {@code running} still true before it was cleared is covered by that second read.
     * The thread is published before it starts, so a {@link #release} never misses its unpark.
     */
    private static final class KeepAlive {
        private final AtomicInteger refs;
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile Thread holder;

        KeepAlive(AtomicInteger refs) {
            this.refs = refs;
        }

        void hold() {
            if (!running.get() && running.compareAndSet(false, true)) {
                Thread t = Thread.ofPlatform().name("brigade-keepalive").daemon(false).stackSize(128 * 1024)
                        .unstarted(this::run);
                holder = t;
                t.start();
            }
        }

        void release() {
            Thread t = holder;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        private void run() {
            for (;;) {
                while (refs.get() > 0) {
                    LockSupport.park(this);
                }
                running.set(false);
                if (refs.get() <= 0 || !running.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }
}

package dev.brigade.cluster.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the messages and requests one IPC channel receives through their handlers, in arrival
 * order, on a thread of its own, never on the channel's reader. A handler may then block on a
 * call whose answer comes back over the same channel ({@code request}, an embedded
 * {@code SharedStore} call): the reader is free to read that answer. (On the reader, such a call
 * waited for a reply nobody read, and failed when its timeout ran out.)
 *
 * <p>Bounded: when the handlers are more than {@link #LIMIT} bytes of payload behind, the reader
 * waits before it queues more, so a peer that floods a slow handler backs up into the socket and
 * into its own bounded send queue (IpcWriter), as when handlers ran on the reader; memory stays
 * bounded. A handler that blocks while the inbox is full waits for a reply the reader cannot read
 * until the handlers catch up: such a call fails at its timeout, as any IPC call whose peer stalls.
 *
 * <p>The handler thread starts with the first item, spins briefly before it parks (given one of
 * the process's spin permits, {@link Spin}: a request that follows within the spin window is taken
 * without a wake-up) and is a daemon: what keeps a process alive is decided elsewhere.
 *
 * <p>Cost: the hand-off from the reader to this thread. Measured on 2 vCPUs at load average 14
 * (30,000 pings primary → worker → primary, median of three runs): 19.5 µs p50 / 75 µs p99 when
 * the worker's reader ran the handler itself, 28 µs / 140 µs with this inbox. Spin permits are
 * scarce there, so this thread mostly parks and each request pays a wake-up.
 */
final class Inbox implements Runnable {
    /** Most payload bytes queued for the handlers before the reader waits: {@code -Dbrigade.ipc.inboxBytes}, default 4 MiB. */
    static final long LIMIT = Long.getLong("brigade.ipc.inboxBytes", 4L << 20);

    /** What the handler thread does with each item: a {@link Frame.Message} or {@link Frame.Request} the reader queued. */
    interface Handler {
        void handle(Frame frame);
    }

    private final String name;
    private final Handler handler;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>(); // frames and Runnable tasks
    private final AtomicLong bytes = new AtomicLong();
    private final Object roomLock = new Object();
    private volatile Thread thread;
    private volatile boolean parked, closed, readerWaits;

    Inbox(String name, Handler handler) {
        this.name = name;
        this.handler = handler;
    }

    /** Reader thread: queues a frame for the handlers, first waiting while they are {@link #LIMIT} bytes behind. */
    void put(Frame frame) throws InterruptedException {
        int size = size(frame);
        if (tooFull(size)) {
            synchronized (roomLock) {
                readerWaits = true;
                try {
                    while (!closed && tooFull(size)) {
                        roomLock.wait(100);
                    }
                } finally {
                    readerWaits = false;
                }
            }
        }
        bytes.addAndGet(size);
        offer(frame);
    }

    /** Runs {@code task} on the handler thread after every item queued before it. Never waits. */
    void task(Runnable task) {
        offer(task);
    }

    /** Stops the handler thread after the item it is running; what is still queued is dropped. */
    void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
        synchronized (roomLock) {
            roomLock.notifyAll();
        }
    }

    private boolean tooFull(int size) {
        long b = bytes.get();
        return b > 0 && b + size > LIMIT;
    }

    private static int size(Frame f) {
        return f instanceof Frame.Message m ? m.payload().length : f instanceof Frame.Request r ? r.payload().length : 0;
    }

    private void offer(Object item) {
        if (closed) {
            return;
        }
        queue.add(item);
        Thread t = thread;
        if (t == null) {
            start();
        } else if (parked) {
            LockSupport.unpark(t);
        }
    }

    private synchronized void start() {
        if (thread == null && !closed) {
            thread = Thread.ofPlatform().daemon().name(name).start(this);
        }
    }

    @Override
    public void run() {
        while (!closed) {
            Object item = queue.poll();
            if (item == null) {
                idle();
                continue;
            }
            try {
                if (item instanceof Frame f) {
                    handler.handle(f);
                } else {
                    ((Runnable) item).run();
                }
            } catch (Throwable t) {
                // looked up only now: the first System.getLogger starts the logging back end and searches every
                // jar of the class path for a logger service, which an idle worker never needs (WorkerStartupTest)
                System.getLogger("dev.brigade.cluster").log(Level.ERROR, name + ": a handler failed", t);
            } finally {
                if (item instanceof Frame f && bytes.addAndGet(-size(f)) >= 0 && readerWaits) {
                    synchronized (roomLock) {
                        roomLock.notifyAll();
                    }
                }
            }
        }
    }

    /** Spins for the next item a little (given a permit), then parks until the reader queues one. */
    private void idle() {
        if (Spin.tryAcquire()) {
            try {
                long start = System.nanoTime();
                while (queue.isEmpty() && !closed && System.nanoTime() - start < Spin.NANOS) {
                    Thread.onSpinWait();
                }
            } finally {
                Spin.release();
            }
        }
        parked = true; // then the queue is checked again: an item offered meanwhile sees parked, or is seen here
        try {
            if (queue.isEmpty() && !closed) {
                LockSupport.park(this);
            }
        } finally {
            parked = false;
        }
    }
}

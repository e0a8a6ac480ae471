package dev.brigade.worker.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * The receiving side of a port or broadcast channel: an inbox that any thread may fill and that
 * is emptied either by a listener running on its owner's {@link Loop} or by a thread polling it.
 *
 * <p>Delivery to a listener is scheduled the way actor mailboxes are: a delivery posts the drain
 * task on the loop only if it is not already scheduled ({@code scheduled}), and the drain task
 * hands over up to {@value #BATCH} messages before yielding the loop. Messages are never dropped
 * while the mailbox has no listener: they wait in the inbox until one is attached or someone polls.
 *
 * <p>Thread-safety: {@link #deliver} is called from any thread; {@link #attach}/{@link #detach}
 * from any thread (guarded by {@code this}); the drain task only runs on the owner loop.
 */
public final class Mailbox {
    private static final int BATCH = 256;
    private static final Object NULL = new Object();

    /** An empty mailbox with no listener. */
    public Mailbox() {
    }

    private final MpscUnboundedAtomicArrayQueue<Object> inbox = new MpscUnboundedAtomicArrayQueue<>(16);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile Consumer<Object> listener;   // written under this
    private volatile Loop loop;                   // written under this
    private volatile Thread receiver;             // a thread blocked in take()
    private boolean referenced = true;            // guarded by this
    private boolean holdsRef;                     // guarded by this: we called loop.ref()

    /**
     * Puts a message in the inbox and wakes whoever consumes it. Any thread.
     *
     * @param message the message; null is allowed
     */
    public void deliver(Object message) {
        inbox.offer(message == null ? NULL : message);
        Thread t = receiver;
        if (t != null) {
            LockSupport.unpark(t);
        }
        Loop l = loop;
        if (l != null && listener != null) {
            schedule(l);
        }
    }

    private void schedule(Loop l) {
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            l.execute(drainTask);
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < BATCH; i++) {
                Consumer<Object> l = listener;
                if (l == null) {
                    return;
                }
                Object m = inbox.poll();
                if (m == null) {
                    return;
                }
                l.accept(m == NULL ? null : m);
            }
        } finally {
            scheduled.set(false);
            Loop l = loop;
            if (l != null && listener != null && !inbox.isEmpty()) {
                schedule(l);
            }
        }
    }

    /** Delivers every queued message to the listener now; the caller runs on the owner loop. */
    public void drainAll() {
        Consumer<Object> l = listener;
        Object m;
        while (l != null && (m = inbox.poll()) != null) {
            l.accept(m == NULL ? null : m);
        }
    }

    /**
     * Sets the listener; deliveries run on {@code owner}. Replaces any previous listener.
     *
     * @param owner the loop the listener runs on
     * @param newListener the listener
     */
    public synchronized void attach(Loop owner, Consumer<Object> newListener) {
        if (loop != owner) {
            releaseRef();
        }
        loop = owner;
        listener = newListener;
        if (referenced && !holdsRef) {
            owner.ref();
            holdsRef = true;
        }
        if (!inbox.isEmpty()) {
            schedule(owner);
        }
    }

    /** Removes the listener; queued and future messages wait in the inbox. */
    public synchronized void detach() {
        listener = null;
        releaseRef();
        loop = null;
    }

    /**
     * Whether an attached listener keeps its loop alive (Node's ref/unref).
     *
     * @param on true for referenced (the default)
     */
    public synchronized void setReferenced(boolean on) {
        referenced = on;
        if (!on) {
            releaseRef();
        } else if (loop != null && listener != null && !holdsRef) {
            loop.ref();
            holdsRef = true;
        }
    }

    private void releaseRef() {
        if (holdsRef) {
            holdsRef = false;
            loop.unref();
        }
    }

    /**
     * The loop the listener runs on.
     *
     * @return the loop, or null when no listener is attached
     */
    public Loop owner() {
        return loop;
    }

    /**
     * Whether a listener is attached.
     *
     * @return true if one is
     */
    public boolean hasListener() {
        return listener != null;
    }

    /**
     * Takes one message without waiting: {@code null} if none; {@link #isNull} marks a posted null.
     *
     * @return the message (wrapped, see {@link #unwrap}), or null if none
     */
    public Object poll() {
        return inbox.poll();
    }

    /**
     * True if {@code polled} stands for a posted {@code null}.
     *
     * @param polled a value returned by poll or take
     * @return true if {@code polled} stands for a posted {@code null}
     */
    public static boolean isNull(Object polled) {
        return polled == NULL;
    }

    /**
     * Unwraps a value returned by {@link #poll()} or {@link #take}.
     *
     * @param polled a value returned by poll or take
     * @return the posted value
     */
    public static Object unwrap(Object polled) {
        return polled == NULL ? null : polled;
    }

    /**
     * Waits for a message: spins briefly, then parks. Only one thread may take at a time.
     *
     * @return the message (wrapped, see {@link #unwrap}) or null if the timeout passed or
     *         {@code closed} became true
     * @param timeoutNanos the longest wait, in nanoseconds
     * @param closed answers true once the channel is closed
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public Object take(long timeoutNanos, java.util.function.BooleanSupplier closed) throws InterruptedException {
        Object m = inbox.poll();
        if (m != null) {
            return m;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        if (Spin.spinUntil(() -> !inbox.isEmpty() || closed.getAsBoolean())) {
            return inbox.poll();
        }
        receiver = Thread.currentThread();
        try {
            while ((m = inbox.poll()) == null && !closed.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                LockSupport.parkNanos(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for a message");
                }
            }
            return m;
        } finally {
            receiver = null;
        }
    }

    /** Wakes a thread blocked in {@link #take} (used when the port closes). */
    public void wakeReceiver() {
        Thread t = receiver;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Removes and returns every queued message (unwrapped), e.g. to report them as undelivered.
     *
     * @return the messages, oldest first
     */
    public List<Object> removeAll() {
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = inbox.poll()) != null) {
            out.add(unwrap(m));
        }
        return out;
    }

    /**
     * Whether nothing is queued.
     *
     * @return true if the inbox is empty
     */
    public boolean isEmpty() {
        return inbox.isEmpty();
    }
}

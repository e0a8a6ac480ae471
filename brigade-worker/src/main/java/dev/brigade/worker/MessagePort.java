package dev.brigade.worker;

import dev.brigade.worker.internal.Loop;
import dev.brigade.worker.internal.Mailbox;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One end of a {@link MessageChannel}. Messages posted on this end arrive at the other end, in
 * order, and are handed either to the listener set with {@link #onMessage} — which runs on the
 * event loop of the thread that set it (the worker's own thread inside a worker, the process's
 * main loop elsewhere) — or to a thread that takes them with {@link #receive} /
 * {@link #receiveMessageOnPort}. Nothing is dropped while no listener is set: messages wait.
 *
 * <p><b>Closing</b> either end closes both: posting afterwards throws
 * {@link ErrorCode#ERR_PORT_CLOSED}; messages already queued at an end with a listener are still
 * delivered, then its {@link #onClose} handlers run. A port whose listener is set keeps its
 * worker alive until it closes, unless {@link #unref()} is called (Node's ref/unref).
 *
 * <p>What posting does to values (shared, copied or moved) is described in {@code Transfer}'s
 * rules, summarised in the README: objects by reference, transferred ByteBuffers moved, a bare
 * ByteBuffer copied, ports moved, SharedBuffers shared. All methods are thread-safe.
 */
public final class MessagePort implements AutoCloseable {
    private final Mailbox mailbox = new Mailbox();
    private final AtomicBoolean closed;              // shared by both ends
    private final List<Runnable> closeHandlers = new CopyOnWriteArrayList<>();
    private volatile Loop closeLoop;                 // where close handlers run if no listener
    private MessagePort partner;                     // final after entangled()

    private MessagePort(AtomicBoolean closed) {
        this.closed = closed;
    }

    static MessagePort[] entangled() {
        AtomicBoolean closed = new AtomicBoolean();
        MessagePort a = new MessagePort(closed);
        MessagePort b = new MessagePort(closed);
        a.partner = b;
        b.partner = a;
        return new MessagePort[] {a, b};
    }

    MessagePort partner() {
        return partner;
    }

    /**
     * Posts a value to the other end. See the class comment for what happens to it.
     *
     * @param value the message (by reference; a bare ByteBuffer is copied)
     */
    public void postMessage(Object value) {
        postMessage(value, List.of());
    }

    /**
     * Posts a value, moving the ByteBuffers and MessagePorts in {@code transferList}.
     *
     * @throws WorkerException {@link ErrorCode#ERR_PORT_CLOSED} if the channel is closed; a
     *         transfer error if the list holds something that cannot be moved (nothing is
     *         changed then)
     * @param value the message
     * @param transferList ByteBuffers to move and MessagePorts to hand over (empty for none)
     */
    public void postMessage(Object value, List<?> transferList) {
        if (closed.get()) {
            throw new WorkerException(ErrorCode.ERR_PORT_CLOSED, "cannot post on a closed MessagePort: the message was not sent");
        }
        partner.mailbox.deliver(Transfer.prepare(value, transferList, this));
    }

    /**
     * Sets the message listener (replacing any previous one). It runs on the calling thread's
     * event loop — the worker's thread inside a worker, the main loop elsewhere — one message at
     * a time, in order. Messages that arrived before it was set are delivered first.
     *
     * @param listener called with each message, in order
     * @return this port
     */
    public MessagePort onMessage(Consumer<Object> listener) {
        return onMessage(listener, Loop.currentOrMain());
    }

    MessagePort onMessage(Consumer<Object> listener, Loop loop) {
        Objects.requireNonNull(listener, "listener");
        Loop previous = mailbox.owner();
        if (previous != null && previous != loop) {
            previous.disown(this);
        }
        mailbox.attach(loop, listener);
        loop.own(this);
        if (closed.get()) {
            loop.execute(() -> finishClose(loop));
        }
        return this;
    }

    /**
     * Removes the message listener; later messages wait for {@link #receive} or a new listener.
     *
     * @return this port
     */
    public MessagePort removeMessageListener() {
        mailbox.detach();
        return this;
    }

    /**
     * Runs {@code handler} once this channel is closed (after queued messages were delivered).
     *
     * @param handler runs once, on the event loop of the thread that added it
     * @return this port
     */
    public MessagePort onClose(Runnable handler) {
        closeHandlers.add(Objects.requireNonNull(handler, "handler"));
        if (closeLoop == null) {
            closeLoop = Loop.currentOrMain();
        }
        return this;
    }

    /**
     * Takes the next message if one is queued, without waiting.
     *
     * @return the next message, or empty if none is queued
     */
    public Optional<Received> poll() {
        Object m = mailbox.poll();
        return m == null ? Optional.empty() : Optional.of(new Received(Mailbox.unwrap(m)));
    }

    /**
     * Node's {@code receiveMessageOnPort(port)}: the next queued message, if any, without waiting.
     *
     * @param port the port to read
     * @return the next queued message, or empty if none
     */
    public static Optional<Received> receiveMessageOnPort(MessagePort port) {
        return port.poll();
    }

    /**
     * Waits up to {@code timeout} for the next message; empty if none came in time or the channel
     * closed with nothing queued. Spins briefly before parking, so a reply that is already on its
     * way is picked up in well under a microsecond.
     *
     * @param timeout the longest wait
     * @return the message, or empty if none came in time or the channel closed with nothing queued
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public Optional<Received> receive(Duration timeout) throws InterruptedException {
        Object m = mailbox.take(timeout.toNanos(), closed::get);
        if (m == null) {
            m = mailbox.poll(); // closed, but something may have arrived just before
        }
        return m == null ? Optional.empty() : Optional.of(new Received(Mailbox.unwrap(m)));
    }

    /**
     * Whether the channel is closed (by either end).
     *
     * @return true once either end was closed
     */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Lets the worker end even though this port has a listener.
     *
     * @return this port
     */
    public MessagePort unref() {
        mailbox.setReferenced(false);
        return this;
    }

    /**
     * Undoes {@link #unref()}.
     *
     * @return this port
     */
    public MessagePort ref() {
        mailbox.setReferenced(true);
        return this;
    }

    /** Closes both ends of the channel. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            this.closedByChannel();
            partner.closedByChannel();
        }
    }

    private void closedByChannel() {
        mailbox.wakeReceiver();
        Loop loop = mailbox.owner();
        if (loop == null) {
            loop = closeLoop;
        }
        if (loop != null) {
            Loop l = loop;
            l.execute(() -> finishClose(l));
        }
    }

    /** Hands every queued message to the listener now, if it runs on {@code loop}; the caller runs there. */
    void deliverQueuedOn(Loop loop) {
        if (mailbox.owner() == loop) {
            mailbox.drainAll();
        }
    }

    private void finishClose(Loop loop) {
        if (mailbox.owner() == loop) {
            deliverQueuedOn(loop);
            mailbox.detach();
        }
        loop.disown(this);
        for (Runnable h : closeHandlers) {
            closeHandlers.remove(h);
            h.run();
        }
    }

    /** Called when this port is listed in a transfer: it loses its listener, keeps its queue. */
    void releaseForTransfer() {
        Loop owner = mailbox.owner();
        if (owner != null) {
            owner.disown(this);
        }
        mailbox.detach();
        closeHandlers.clear();
        closeLoop = null;
    }

    /** Undelivered messages queued at this end (used when a worker exits without reading them). */
    List<Object> takeUndelivered() {
        return mailbox.removeAll();
    }
}

package dev.brigade.worker;

import dev.brigade.worker.internal.Loop;
import dev.brigade.worker.internal.Mailbox;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One-to-many messaging by name, within this JVM: a message posted on a channel reaches every
 * other open {@code BroadcastChannel} with the same name (not the sender itself), on the event
 * loop of the thread that set its listener. Values are passed by reference (no transfer list),
 * so broadcast immutable values.
 *
 * <p>The registry of names is process-wide, as Node's is per process: two channels named
 * {@code "cache-invalidate"} created anywhere in the JVM talk to each other.
 */
public final class BroadcastChannel implements AutoCloseable {
    private static final Map<String, Set<BroadcastChannel>> BY_NAME = new ConcurrentHashMap<>();

    private final String name;
    private final Mailbox mailbox = new Mailbox();
    private volatile boolean closed;

    /**
     * Joins the channel called {@code name}: it reaches, and hears from, every other open
     * channel of that name in the JVM.
     *
     * @param name a non-empty name
     * @throws IllegalArgumentException if the name is null or empty
     */
    public BroadcastChannel(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("BroadcastChannel name must be a non-empty string, got "
                    + (name == null ? "null" : "\"\""));
        }
        this.name = name;
        BY_NAME.compute(name, (k, set) -> {
            Set<BroadcastChannel> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(this);
            return s;
        });
    }

    /**
     * The channel's name.
     *
     * @return the name given to the constructor
     */
    public String name() {
        return name;
    }

    /**
     * Posts {@code value} to every other open channel of this name.
     *
     * @return how many channels it was delivered to
     * @throws WorkerException {@link ErrorCode#ERR_PORT_CLOSED} if this channel is closed
     * @param value the message, by reference
     */
    public int postMessage(Object value) {
        if (closed) {
            throw new WorkerException(ErrorCode.ERR_PORT_CLOSED, "BroadcastChannel '" + name + "' is closed: the message was not sent");
        }
        Set<BroadcastChannel> peers = BY_NAME.get(name);
        int n = 0;
        if (peers != null) {
            for (BroadcastChannel c : peers) {
                if (c != this && !c.closed) {
                    c.mailbox.deliver(value);
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Sets the listener; it runs on the calling thread's event loop. Keeps a worker alive until closed.
     *
     * @param listener called with each message, on the event loop of the thread that set it
     * @return this channel
     */
    public BroadcastChannel onMessage(Consumer<Object> listener) {
        Objects.requireNonNull(listener, "listener");
        if (!closed) {
            Loop loop = Loop.currentOrMain();
            mailbox.attach(loop, listener);
            loop.own(this);
        }
        return this;
    }

    /**
     * Lets a worker end even though this channel has a listener.
     *
     * @return this channel
     */
    public BroadcastChannel unref() {
        mailbox.setReferenced(false);
        return this;
    }

    /** Stops receiving; messages already queued are dropped with the channel. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        BY_NAME.computeIfPresent(name, (k, set) -> {
            set.remove(this);
            return set.isEmpty() ? null : set;
        });
        Loop owner = mailbox.owner();
        if (owner != null) {
            owner.disown(this);
        }
        mailbox.detach();
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }
}

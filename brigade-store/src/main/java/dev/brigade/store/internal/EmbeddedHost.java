package dev.brigade.store.internal;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.store.StoreClock;
import dev.brigade.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded store's home, in the cluster's primary: one {@link InProcessBackend} per
 * {@link Cluster}, served to the workers as the cluster service {@value Wire#SERVICE}.
 *
 * <p>Requests are answered on the primary's request thread of the worker that sent them (the
 * cluster's Inbox, next to that worker's IPC reader) and never wait: the
 * engine's calls complete at once, and a subscriber's poll is answered later by the publisher's
 * thread or the timer, through a future.
 *
 * <p>Pub/sub without a push channel (a worker's message handler belongs to the app): each
 * subscribing store in a worker is a {@link Subscriber} with a mailbox, and keeps one long poll
 * outstanding; a publish appends to the mailboxes of the channel's subscribers and completes
 * their waiting polls. A mailbox holds at most {@value #MAX_QUEUED} messages (the oldest are
 * dropped and counted: pub/sub is at most once). A subscriber is dropped when its worker
 * disconnects or exits, or when it has not polled for {@value #IDLE_SECONDS} s (a store closed
 * without unsubscribing, a hung worker), so nothing leaks and nothing is sent to the dead.
 */
public final class EmbeddedHost {
    static final int MAX_QUEUED = 10_000;
    static final long IDLE_SECONDS = 60;
    /** Most bytes of messages one poll answer carries (Latin-1 on the wire: at most twice as many). */
    static final int DRAIN_BYTES = 1 << 20;
    private static final System.Logger LOG = System.getLogger("dev.brigade.store");
    private static final Map<Cluster, EmbeddedHost> HOSTS = new WeakHashMap<>(); // guarded by itself

    private final InProcessBackend engine;
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, Threads.daemon("brigade-store-embedded"));
    private final AtomicLong dropped = new AtomicLong();

    private EmbeddedHost(StoreClock clock) {
        this.engine = new InProcessBackend(clock);
        timer.setRemoveOnCancelPolicy(true);
        timer.scheduleWithFixedDelay(this::dropIdle, IDLE_SECONDS / 2, IDLE_SECONDS / 2, TimeUnit.SECONDS);
    }

    /**
     * The host of {@code cluster} (a primary), made and registered as the cluster's service on
     * first use; its data lives as long as the primary process.
     */
    public static EmbeddedHost of(Cluster cluster, StoreClock clock) {
        synchronized (HOSTS) {
            EmbeddedHost h = HOSTS.get(cluster);
            if (h == null) {
                EmbeddedHost host = new EmbeddedHost(clock);
                cluster.service(Wire.SERVICE, host::serve);
                cluster.on(e -> {
                    if (e instanceof ClusterEvent.Disconnect || e instanceof ClusterEvent.Exit) {
                        host.workerGone(e.worker().id());
                    }
                });
                HOSTS.put(cluster, host);
                h = host;
            }
            return h;
        }
    }

    /** A host that belongs to no cluster: tests call {@link #serve} themselves. */
    public static EmbeddedHost detached(StoreClock clock) {
        return new EmbeddedHost(clock);
    }

    /** Stops the host's timer (detached hosts; a cluster's host lives as long as the primary). */
    public void shutdown() {
        timer.shutdownNow();
    }

    /** As if the worker {@code workerId} disconnected (tests of detached hosts). */
    public void forgetWorker(int workerId) {
        workerGone(workerId);
    }

    /** The data itself, for the primary's own stores. */
    public InProcessBackend engine() {
        return engine;
    }

    /** Subscribers (worker stores with at least one channel) currently known. */
    public int subscriberCount() {
        return subscribers.size();
    }

    /** Messages waiting in subscribers' mailboxes. */
    public int queuedMessages() {
        int n = 0;
        for (Subscriber s : subscribers.values()) {
            synchronized (s) {
                n += s.queue.size() / 2;
            }
        }
        return n;
    }

    /** Messages dropped from full mailboxes since the start. */
    public long droppedMessages() {
        return dropped.get();
    }

    /** Answers one request of a worker, on its request thread: never waits (the worker's next requests queue behind). */
    public Object serve(ClusterWorker worker, Object body) {
        if (!(body instanceof List<?> req) || req.isEmpty() || !(req.get(0) instanceof String op)) {
            return Wire.error(StoreException.Code.INVALID_ARGUMENT.name(), "not a store request: "
                    + (body == null ? "null" : body.getClass().getName()));
        }
        try {
            return switch (op) {
                case Wire.POLL -> poll(worker, (String) req.get(1), Wire.number(req.get(2)));
                case Wire.SUBSCRIBE -> subscribe(worker, (String) req.get(1), (String) req.get(2));
                case Wire.UNSUBSCRIBE -> unsubscribe(worker, (String) req.get(1), (String) req.get(2));
                case Wire.BATCH -> {
                    List<Object> out = new ArrayList<>(req.size() - 1);
                    for (int i = 1; i < req.size(); i++) {
                        out.add(one((List<?>) req.get(i)));
                    }
                    yield out;
                }
                default -> one(req);
            };
        } catch (RuntimeException e) { // a malformed request (ClassCastException...) or an engine failure
            return Wire.error(e);
        }
    }

    private Object one(List<?> r) {
        try {
            String key = (String) r.get(1);
            CompletableFuture<?> f = switch ((String) r.get(0)) {
                case Wire.GET -> engine.get(key);
                case Wire.PUT -> engine.put(key, Wire.bytes(r.get(2)), Wire.number(r.get(3)));
                case Wire.PUT_IF_ABSENT -> engine.putIfAbsent(key, Wire.bytes(r.get(2)), Wire.number(r.get(3)));
                case Wire.CAS -> engine.compareAndSet(key, Wire.bytes(r.get(2)), Wire.bytes(r.get(3)), Wire.number(r.get(4)));
                case Wire.DELETE -> engine.delete(key);
                case Wire.INCREMENT -> engine.increment(key, Wire.number(r.get(2)));
                case Wire.EXPIRE -> engine.expire(key, Wire.number(r.get(2)));
                case Wire.TTL -> engine.ttlMillis(key);
                case Wire.KEYS -> engine.keys(key, (int) Wire.number(r.get(2)));
                case Wire.PUBLISH -> engine.publish(key, Wire.bytes(r.get(2)));
                default -> throw new StoreException(StoreException.Code.INVALID_ARGUMENT, "unknown store operation " + r.get(0));
            };
            Object v = f.join(); // the engine's futures are complete when returned: this never waits
            return v instanceof byte[] b ? Wire.text(b) : v;
        } catch (RuntimeException e) {
            return Wire.error(e);
        }
    }

    private Object subscribe(ClusterWorker worker, String sid, String channel) {
        Subscriber s = subscribers.computeIfAbsent(sid, id -> new Subscriber(id, worker.id()));
        if (s.workerId != worker.id()) {
            return Wire.error(StoreException.Code.INVALID_ARGUMENT.name(), "subscriber " + sid + " belongs to another worker");
        }
        synchronized (s) {
            if (s.closed) {
                return Wire.error(Wire.GONE, "subscriber " + sid + " was dropped");
            }
            s.lastSeen = System.nanoTime();
            if (!s.channels.containsKey(channel)) {
                s.channels.put(channel, engine.subscribe(channel, s).join()); // complete at once
            }
        }
        return Boolean.TRUE;
    }

    private Object unsubscribe(ClusterWorker worker, String sid, String channel) {
        Subscriber s = subscribers.get(sid);
        if (s == null || s.workerId != worker.id()) {
            return Boolean.FALSE;
        }
        boolean empty;
        synchronized (s) {
            AutoCloseable h = s.channels.remove(channel);
            if (h != null) {
                closeQuietly(h);
            }
            empty = s.channels.isEmpty();
        }
        if (empty) {
            drop(s);
        }
        return Boolean.TRUE;
    }

    private Object poll(ClusterWorker worker, String sid, long waitMillis) {
        Subscriber s = subscribers.get(sid);
        if (s == null || s.workerId != worker.id()) {
            return Wire.error(Wire.GONE, "no subscriber " + sid + " (dropped, or never subscribed)");
        }
        CompletableFuture<Object> previous;
        CompletableFuture<Object> wait;
        synchronized (s) {
            if (s.closed) {
                return Wire.error(Wire.GONE, "subscriber " + sid + " was dropped");
            }
            s.lastSeen = System.nanoTime();
            previous = s.takeWaiting();
            if (!s.queue.isEmpty()) {
                wait = null;
            } else {
                wait = new CompletableFuture<>();
                s.waiting = wait;
                s.waitTimer = timer.schedule(() -> s.expire(wait), Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
            }
        }
        if (previous != null) {
            previous.complete(List.of()); // a repeated poll replaces the one outstanding
        }
        if (wait == null) {
            synchronized (s) {
                return s.drain();
            }
        }
        return wait;
    }

    private void workerGone(int workerId) {
        for (Subscriber s : subscribers.values()) {
            if (s.workerId == workerId) {
                drop(s);
            }
        }
    }

    private void dropIdle() {
        long now = System.nanoTime();
        for (Subscriber s : subscribers.values()) {
            boolean idle;
            synchronized (s) {
                idle = s.waiting == null && now - s.lastSeen > TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
            }
            if (idle) {
                LOG.log(System.Logger.Level.INFO, "store: subscriber " + s.sid + " of worker " + s.workerId
                        + " has not polled for " + IDLE_SECONDS + " s; dropped");
                drop(s);
            }
        }
    }

    private void drop(Subscriber s) {
        CompletableFuture<Object> waiting;
        synchronized (s) {
            if (s.closed) {
                return;
            }
            s.closed = true;
            s.channels.values().forEach(EmbeddedHost::closeQuietly);
            s.channels.clear();
            s.queue.clear();
            waiting = s.takeWaiting();
        }
        subscribers.remove(s.sid, s);
        if (waiting != null) {
            waiting.complete(List.of()); // to a dead worker this reply is dropped by the IPC layer
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // local channels do not fail to close
        }
    }

    /** One subscribing store in a worker. Guarded by itself. */
    private final class Subscriber implements StoreBackend.MessageSink {
        final String sid;
        final int workerId;
        final Map<String, AutoCloseable> channels = new HashMap<>();
        /** Channel, message (Latin-1 text), channel, message... */
        final ArrayDeque<Object> queue = new ArrayDeque<>();
        CompletableFuture<Object> waiting;
        ScheduledFuture<?> waitTimer;
        long lastSeen = System.nanoTime();
        boolean closed;
        long droppedHere;

        Subscriber(String sid, int workerId) {
            this.sid = sid;
            this.workerId = workerId;
        }

        @Override
        public void accept(String channel, byte[] message) {
            CompletableFuture<Object> wake;
            List<Object> batch = null;
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (queue.size() / 2 >= MAX_QUEUED) {
                    queue.pollFirst();
                    queue.pollFirst();
                    dropped.incrementAndGet();
                    if (droppedHere++ % MAX_QUEUED == 0) {
                        LOG.log(System.Logger.Level.WARNING, "store: subscriber " + sid + " of worker " + workerId + " is "
                                + MAX_QUEUED + " messages behind; dropping the oldest (" + droppedHere + " so far)");
                    }
                }
                queue.add(channel);
                queue.add(Wire.text(message));
                wake = takeWaiting();
                if (wake != null) {
                    batch = drain();
                }
            }
            if (wake != null) {
                wake.complete(batch); // the reply is written on this (the publisher's) thread
            }
        }

        /** Guarded by this. */
        CompletableFuture<Object> takeWaiting() {
            CompletableFuture<Object> w = waiting;
            waiting = null;
            if (waitTimer != null) {
                waitTimer.cancel(false);
                waitTimer = null;
            }
            return w;
        }

        /** Guarded by this: up to {@link #DRAIN_BYTES} of queued messages, at least one. */
        List<Object> drain() {
            List<Object> out = new ArrayList<>(Math.min(queue.size(), 256));
            int bytes = 0;
            while (!queue.isEmpty() && (out.isEmpty() || bytes < DRAIN_BYTES)) {
                String ch = (String) queue.pollFirst();
                String msg = (String) queue.pollFirst();
                bytes += ch.length() + msg.length();
                out.add(ch);
                out.add(msg);
            }
            return out;
        }

        void expire(CompletableFuture<Object> wait) {
            synchronized (this) {
                if (waiting != wait) {
                    return;
                }
                waiting = null;
                waitTimer = null;
            }
            wait.complete(List.of());
        }
    }
}

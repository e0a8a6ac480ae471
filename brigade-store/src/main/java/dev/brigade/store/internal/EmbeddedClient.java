package dev.brigade.store.internal;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterException;
import dev.brigade.store.StoreException;
import dev.brigade.store.StoreException.Code;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The embedded store as a worker sees it: every call is one request to the primary's
 * {@link EmbeddedHost} through the cluster service {@value Wire#SERVICE}, answered on the IPC
 * reader thread (continuations must not block it). A batch is one request per ~{@value #BATCH_WEIGHT}
 * bytes.
 *
 * <p>Pub/sub: this store subscribes channels as one subscriber (a random id) and keeps one long
 * poll outstanding while it has channels; the answer hands the messages to the local sinks and
 * the next poll goes out at once. A failed poll is retried with backoff (100 ms doubling to
 * 2 s), so a primary that is slow or hung causes no request storm; a primary that forgot this
 * subscriber (it dropped it as idle) answers GONE and the channels are subscribed again.
 */
public final class EmbeddedClient implements StoreBackend {
    /** How a request reaches the primary: a cluster service call, or a test double. */
    @FunctionalInterface
    public interface Transport {
        CompletableFuture<Object> call(Object body, Duration timeout);
    }

    static final int BATCH_WEIGHT = 512 * 1024;
    private static final System.Logger LOG = System.getLogger("dev.brigade.store");
    private static final long BACKOFF_MIN_MS = 100;
    private static final long BACKOFF_MAX_MS = 2_000;

    private final Transport transport;
    private final String where;
    private final Duration callTimeout;
    private final Duration pollTimeout;
    private final long pollWaitMillis;
    private final String sid = UUID.randomUUID().toString();
    private final Map<String, CopyOnWriteArrayList<MessageSink>> sinks = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> active = new ConcurrentHashMap<>(); // changed under this
    private ScheduledThreadPoolExecutor retries; // guarded by this
    private boolean polling; // guarded by this
    private long backoffMillis = BACKOFF_MIN_MS; // guarded by this
    private volatile boolean closed;

    /**
     * @param timeout   the store's call timeout: the transport's own bound is a little longer, so
     *                  the store's (clearer) timeout fires first
     * @param pollWait  how long the primary holds a poll that has nothing to deliver
     */
    public EmbeddedClient(Transport transport, String where, Duration timeout, Duration pollWait) {
        this.transport = transport;
        this.where = where;
        this.callTimeout = timeout.plusMillis(200);
        this.pollWaitMillis = pollWait.toMillis();
        this.pollTimeout = pollWait.plus(timeout);
    }

    /** The transport of a worker of {@code cluster}: calls of the primary's store service. */
    public static Transport service(Cluster cluster) {
        return service(cluster, Wire.SERVICE);
    }

    /** The transport to service {@code name} (tests point it at a service that never answers). */
    public static Transport service(Cluster cluster, String name) {
        return (body, timeout) -> {
            try {
                return cluster.callService(name, body, timeout).exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(e)));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(translate(e));
            }
        };
    }

    static StoreException translate(Throwable t) {
        Throwable c = Calls.unwrap(t);
        if (c instanceof StoreException se) {
            return se;
        }
        if (c instanceof ClusterException ce) {
            return switch (ce.code()) {
                case REQUEST_TIMEOUT -> new StoreException(Code.TIMEOUT, "the primary did not answer: " + ce.getMessage(), ce);
                case CHANNEL_CLOSED -> new StoreException(Code.UNAVAILABLE, "the primary is unreachable: " + ce.getMessage(), ce);
                case REQUEST_FAILED -> ce.getMessage() != null && ce.getMessage().contains("offers no service")
                        ? new StoreException(Code.UNAVAILABLE, "the primary holds no embedded store: call SharedStore.embedded(cluster)"
                        + " in the primary before it forks workers (" + ce.getMessage() + ")", ce)
                        : new StoreException(Code.BACKEND, ce.getMessage(), ce);
                default -> new StoreException(Code.BACKEND, ce.getMessage(), ce);
            };
        }
        if (c instanceof IllegalArgumentException) { // the cluster's codec refused the request
            return new StoreException(Code.BACKEND, "the request cannot be sent over IPC: " + c.getMessage(), c);
        }
        return new StoreException(Code.BACKEND, String.valueOf(c), c);
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        return call(List.of(Wire.GET, key), Wire::bytes);
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value, long ttlMillis) {
        return call(List.of(Wire.PUT, key, Wire.text(value), ttlMillis), a -> null);
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, long ttlMillis) {
        return call(List.of(Wire.PUT_IF_ABSENT, key, Wire.text(value), ttlMillis), Boolean.class::cast);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update, long ttlMillis) {
        return call(java.util.Arrays.asList(Wire.CAS, key, Wire.text(expected), Wire.text(update), ttlMillis), Boolean.class::cast);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return call(List.of(Wire.DELETE, key), Boolean.class::cast);
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        return call(List.of(Wire.INCREMENT, key, delta), Wire::number);
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        return call(List.of(Wire.EXPIRE, key, ttlMillis), Boolean.class::cast);
    }

    @Override
    public CompletableFuture<Long> ttlMillis(String key) {
        return call(List.of(Wire.TTL, key), Wire::number);
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        return call(List.of(Wire.KEYS, prefix, limit), a -> {
            List<String> out = new ArrayList<>();
            for (Object k : (List<?>) a) {
                out.add((String) k);
            }
            return out;
        });
    }

    @Override
    public CompletableFuture<Long> publish(String channel, byte[] message) {
        return call(List.of(Wire.PUBLISH, channel, Wire.text(message)), Wire::number);
    }

    @Override
    public List<CompletableFuture<?>> batch(List<Op> ops) {
        List<CompletableFuture<?>> out = new ArrayList<>(ops.size());
        int from = 0;
        while (from < ops.size()) {
            int to = from;
            int weight = 0;
            List<Object> req = new ArrayList<>();
            req.add(Wire.BATCH);
            while (to < ops.size() && (to == from || weight + ops.get(to).weight() <= BATCH_WEIGHT)) {
                weight += ops.get(to).weight();
                req.add(Wire.request(ops.get(to)));
                to++;
            }
            List<Op> chunk = ops.subList(from, to);
            CompletableFuture<List<?>> answers = call(req, a -> (List<?>) a);
            for (int i = 0; i < chunk.size(); i++) {
                int at = i;
                Op.Kind kind = chunk.get(i).kind();
                out.add(answers.thenApply(list -> {
                    Object a = list.get(at);
                    StoreException f = Wire.failure(a);
                    if (f != null) {
                        throw f;
                    }
                    return switch (kind) {
                        case GET -> Wire.bytes(a);
                        case PUT -> null;
                        case INCREMENT, TTL -> Wire.number(a);
                        default -> (Boolean) a;
                    };
                }));
            }
            from = to;
        }
        return out;
    }

    @Override
    public CompletableFuture<AutoCloseable> subscribe(String channel, MessageSink sink) {
        CompletableFuture<Void> subscribed;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new StoreException(Code.CLOSED, "the store is closed"));
            }
            sinks.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(sink);
            subscribed = active.get(channel);
            if (subscribed == null || subscribed.isCompletedExceptionally()) {
                subscribed = call(List.of(Wire.SUBSCRIBE, sid, channel), a -> null);
                active.put(channel, subscribed);
            }
            if (!polling) {
                polling = true;
                poll(); // sent after the subscription: the primary answers them in order
            }
        }
        AutoCloseable handle = () -> unsubscribe(channel, sink);
        return subscribed.handle((ok, e) -> {
            if (e != null) {
                unsubscribe(channel, sink);
                throw translate(e);
            }
            return handle;
        });
    }

    private void unsubscribe(String channel, MessageSink sink) {
        synchronized (this) {
            List<MessageSink> list = sinks.get(channel);
            if (list == null || !list.remove(sink) || !list.isEmpty()) {
                return;
            }
            sinks.remove(channel);
            active.remove(channel);
            if (!closed) {
                call(List.of(Wire.UNSUBSCRIBE, sid, channel), a -> null); // best effort: a dead worker's subscriber is dropped anyway
            }
        }
    }

    private void poll() {
        transport.call(List.of(Wire.POLL, sid, pollWaitMillis), pollTimeout).whenComplete(this::polled);
    }

    /** A poll's answer: runs on the IPC reader thread; delivering only enqueues to the store's delivery thread. */
    private void polled(Object answer, Throwable error) {
        StoreException failure = error != null ? translate(error) : Wire.failure(answer);
        if (failure == null) {
            try {
                List<?> pairs = (List<?>) answer;
                for (int i = 0; i + 1 < pairs.size(); i += 2) {
                    String channel = (String) pairs.get(i);
                    List<MessageSink> list = sinks.get(channel);
                    if (list != null) {
                        byte[] message = Wire.bytes(pairs.get(i + 1));
                        for (MessageSink s : list) {
                            s.accept(channel, message);
                        }
                    }
                }
            } catch (RuntimeException e) { // a malformed answer must not end the poll loop
                failure = new StoreException(Code.BACKEND, "malformed poll answer: " + e, e);
            }
        }
        synchronized (this) {
            if (closed || sinks.isEmpty()) {
                polling = false;
                return;
            }
            if (failure == null) {
                backoffMillis = BACKOFF_MIN_MS;
                poll();
                return;
            }
            if (Wire.GONE.equals(codeOf(answer))) { // the primary dropped this subscriber: subscribe again
                LOG.log(System.Logger.Level.INFO, "store: the primary dropped subscriber " + sid + "; subscribing "
                        + sinks.keySet() + " again (messages published meanwhile are lost)");
                for (String channel : sinks.keySet()) {
                    CompletableFuture<Void> f = call(List.of(Wire.SUBSCRIBE, sid, channel), a -> null);
                    active.put(channel, f);
                }
                poll();
                return;
            }
            long delay = backoffMillis;
            backoffMillis = Math.min(BACKOFF_MAX_MS, backoffMillis * 2);
            if (delay == BACKOFF_MIN_MS) { // the first failure of a series is logged, not each retry
                LOG.log(System.Logger.Level.WARNING, "store: polling subscriptions from the primary failed (" + failure.getMessage()
                        + "); retrying with backoff up to " + BACKOFF_MAX_MS + " ms");
            }
            retries().schedule(this::resume, delay, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void resume() {
        if (closed || sinks.isEmpty()) {
            polling = false;
            return;
        }
        poll();
    }

    private ScheduledThreadPoolExecutor retries() { // guarded by this
        if (retries == null) {
            retries = new ScheduledThreadPoolExecutor(1, Threads.daemon("brigade-store-poll-retry"));
            retries.setKeepAliveTime(10, TimeUnit.SECONDS);
            retries.allowCoreThreadTimeOut(true);
        }
        return retries;
    }

    private static String codeOf(Object answer) {
        return answer instanceof Map<?, ?> m && m.get(Wire.ERR) instanceof String s ? s : null;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (String channel : sinks.keySet()) {
                transport.call(List.of(Wire.UNSUBSCRIBE, sid, channel), callTimeout); // lets the primary drop us now
            }
            sinks.clear();
            active.clear();
            if (retries != null) {
                retries.shutdownNow();
            }
        }
    }

    private <T> CompletableFuture<T> call(List<Object> request, Function<Object, T> convert) {
        return transport.call(request, callTimeout).thenApply(a -> {
            StoreException f = Wire.failure(a);
            if (f != null) {
                throw f;
            }
            return convert.apply(a);
        });
    }
}

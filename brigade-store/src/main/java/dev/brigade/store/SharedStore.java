package dev.brigade.store;

import dev.brigade.store.internal.Args;
import dev.brigade.store.internal.Calls;
import dev.brigade.store.internal.Deliveries;
import dev.brigade.store.internal.EmbeddedClient;
import dev.brigade.store.internal.EmbeddedHost;
import dev.brigade.store.internal.EmbeddedLocal;
import dev.brigade.store.internal.InProcessBackend;
import dev.brigade.store.internal.RedisBackend;
import dev.brigade.store.internal.StoreBackend;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import dev.brigade.cluster.Cluster;

/**
 * State shared by workers: values, counters, TTLs, prefix scans and pub/sub channels, with one
 * API whatever holds the data: {@linkplain #inProcess() this process} (worker threads of one
 * JVM), {@linkplain #embedded(Cluster) the cluster's primary} (worker JVMs of one machine,
 * nothing to install) or {@linkplain #redis(String) Redis} (workers on many machines). Thread-safe; share one
 * instance per process and {@link #close()} it at shutdown.
 *
 * <pre>{@code
 * try (SharedStore store = SharedStore.open("redis://127.0.0.1:6379")) {
 *     store.put("session:42", new Session("ada"), Duration.ofMinutes(30)).join();
 *     long hits = store.blocking().increment("hits:/home");
 *     store.subscribe("deploys", String.class, System.out::println).join();
 * }
 * }</pre>
 *
 * <p><b>Every call is bounded</b> by {@link StoreOptions#timeout()}: the future completes, at
 * the latest then, with a {@link StoreException} whose {@link StoreException#code() code} says
 * what happened and whose message names the call, the key and the backend. Nothing hangs.
 *
 * <p><b>Values</b> go through the {@link StoreCodec} ({@link JsonCodec} by default: strings and
 * byte arrays as they are, the rest as JSON) and may not exceed
 * {@link StoreOptions#maxValueBytes()} once encoded. Semantics follow Redis on every backend:
 * {@code put} and {@code compareAndSet} replace a key's TTL with theirs (none unless given);
 * {@code increment} keeps it; a counter is the decimal text of a 64-bit integer.
 *
 * <p>Futures may complete on a backend I/O thread: do not block in their continuations (use the
 * {@code ...Async} continuations with your executor); {@link #blocking()} is for plain threads.
 */
public final class SharedStore implements AutoCloseable {
    /** Most keys {@link #keys(String)} returns. */
    public static final int DEFAULT_SCAN_LIMIT = 10_000;

    private final StoreBackend backend;
    private final StoreOptions options;
    private final StoreCodec codec;
    private final Calls calls;
    private final Deliveries deliveries;
    private final BlockingStore blocking;

    private SharedStore(StoreBackend backend, StoreOptions options) {
        this.backend = backend;
        this.options = options;
        this.codec = options.codec();
        this.calls = new Calls(backend.describe(), options.timeout());
        this.deliveries = new Deliveries(codec);
        this.blocking = new BlockingStore(this);
    }

    /** A store over any backend (tests of backends that need a hand-made transport). */
    static SharedStore over(StoreBackend backend, StoreOptions options) {
        return new SharedStore(backend, options);
    }

    /**
     * A store held in this process, for worker threads of one JVM, with default options.
     *
     * @return a store for the threads of this JVM
     */
    public static SharedStore inProcess() {
        return inProcess(StoreOptions.defaults());
    }

    /**
     * A store held in this process; expiry follows {@link StoreOptions#clock()}.
     *
     * @param options timeouts and limits
     * @return a store for the threads of this JVM
     */
    public static SharedStore inProcess(StoreOptions options) {
        return new SharedStore(new InProcessBackend(options.clock()), options);
    }

    /**
     * The store embedded in the cluster's primary, with default options: see {@link #embedded(Cluster, StoreOptions)}.
     *
     * @param cluster the cluster: in the primary, before {@code fork()}; or in a worker
     * @return the cluster's shared store
     */
    public static SharedStore embedded(Cluster cluster) {
        return embedded(cluster, StoreOptions.defaults());
    }

    /**
     * The store embedded in the cluster's primary: the primary holds the data (an in-process
     * engine), the workers reach it over the cluster's IPC, as the cluster service
     * {@code brigade.store}. Call it in the primary <b>before</b> forking workers (that registers
     * the service) and in each worker; the primary's own store calls the engine directly.
     *
     * <p>The data survives the restart of any worker, and lives as long as the primary process:
     * a restarted primary starts empty, unless the app saved it with {@link #snapshotTo} and
     * restores it with {@link #restoreFrom} (use Redis for state that must never be lost). Every store of
     * one primary shares the same data; closing a store releases its subscriptions only. In a
     * worker each call is one IPC round trip (a {@link #batch()} is one for all its calls),
     * bounded by {@link StoreOptions#timeout()}; pub/sub messages come through a long poll. The
     * expiry clock is that of the primary's first {@code embedded} call's options. In a worker,
     * cluster message and request handlers run on a thread of their own and may wait for a store
     * call; answers arrive on the IPC reader thread, so a future's continuation must not wait for
     * another call (return its future instead): the wait would hold the very thread that reads the
     * answer, until the timeout.
     *
     * @throws StoreException {@code INVALID_ARGUMENT} if {@link StoreOptions#maxValueBytes()}
     *                        does not fit the cluster's IPC frames (at most a quarter of
     *                        {@code ClusterSettings.maxFrameBytes})
     *
     * @param cluster the cluster: in the primary, before {@code fork()}; or in a worker
     * @param options timeouts and limits
     * @return the cluster's shared store
     */
    public static SharedStore embedded(Cluster cluster, StoreOptions options) {
        java.util.Objects.requireNonNull(cluster, "cluster");
        java.util.Objects.requireNonNull(options, "options");
        int frame = cluster.settings().maxFrameBytes();
        if ((long) options.maxValueBytes() * 4 > frame) { // Latin-1 on the wire: up to twice the bytes, plus the request
            throw new StoreException(StoreException.Code.INVALID_ARGUMENT, "StoreOptions.maxValueBytes ("
                    + options.maxValueBytes() + ") must be at most a quarter of the cluster's maxFrameBytes (" + frame
                    + ") for the embedded store");
        }
        if (cluster.isPrimary()) {
            return new SharedStore(new EmbeddedLocal(EmbeddedHost.of(cluster, options.clock())), options);
        }
        Duration pollWait = options.timeout().multipliedBy(10).compareTo(Duration.ofSeconds(20)) > 0
                ? Duration.ofSeconds(20) : options.timeout().multipliedBy(10);
        return new SharedStore(new EmbeddedClient(EmbeddedClient.service(cluster), "embedded (primary of worker "
                + cluster.self().id() + ")", options.timeout(), pollWait), options);
    }

    /**
     * A store in Redis, with default options. See {@link #redis(String, StoreOptions)}.
     *
     * @param url {@code redis://host:port[/db]}, {@code rediss://...}, {@code embedded:} or {@code in-process:}
     * @return a store on that Redis server
     */
    public static SharedStore redis(String url) {
        return redis(url, StoreOptions.defaults());
    }

    /**
     * A store in Redis at {@code url} ({@code redis://[password@]host[:port][/db]},
     * {@code rediss://} for TLS). Connects before returning; afterwards a lost connection is
     * re-established in the background with exponential backoff (from
     * {@link StoreOptions#reconnectMin()} to {@link StoreOptions#reconnectMax()}), and calls made
     * meanwhile fail at once with {@link StoreException.Code#UNAVAILABLE}.
     *
     * @throws StoreException {@code UNAVAILABLE} if Redis cannot be reached within
     *                        {@link StoreOptions#connectTimeout()}; {@code INVALID_ARGUMENT} for a bad URL
     *
     * @param url {@code redis://host:port[/db]}, {@code rediss://...}, {@code embedded:} or {@code in-process:}
     * @param options timeouts and limits
     * @return a store on that Redis server
     */
    public static SharedStore redis(String url, StoreOptions options) {
        return new SharedStore(RedisBackend.connect(url, options), options);
    }

    /**
     * A store chosen by URL: {@code inprocess:}, {@code embedded:} or {@code redis://...} /
     * {@code rediss://...}. {@code embedded:} works in a worker (it connects through this
     * worker's {@link Cluster}); in the primary use {@link #embedded(Cluster, StoreOptions)} with
     * your cluster.
     *
     * @param url {@code redis://host:port[/db]}, {@code rediss://...}, {@code embedded:} or {@code in-process:}
     * @param options timeouts and limits
     * @return the store the URL names
     */
    public static SharedStore open(String url, StoreOptions options) {
        if (url == null) {
            throw new StoreException(StoreException.Code.INVALID_ARGUMENT, "store URL must not be null");
        }
        if (url.equals("inprocess:")) {
            return inProcess(options);
        }
        if (url.startsWith("redis://") || url.startsWith("rediss://")) {
            return redis(url, options);
        }
        if (url.equals("embedded:")) {
            if (System.getenv("BRIGADE_WORKER_ID") == null) {
                throw new StoreException(StoreException.Code.INVALID_ARGUMENT, "store URL embedded: needs a cluster worker;"
                        + " this process is not one (in the primary, call SharedStore.embedded(cluster))");
            }
            return embedded(Cluster.create(), options);
        }
        throw new StoreException(StoreException.Code.INVALID_ARGUMENT, "unknown store URL \"" + url
                + "\": expected inprocess:, embedded: or redis://host:port");
    }

    /**
     * {@link #open(String, StoreOptions)} with default options.
     *
     * @param url {@code redis://host:port[/db]}, {@code rediss://...}, {@code embedded:} or {@code in-process:}
     * @return the store the URL names
     */
    public static SharedStore open(String url) {
        return open(url, StoreOptions.defaults());
    }

    /**
     * The value of {@code key} decoded as {@code type}; empty if the key is absent or expired.
     *
     * @param <T> the type of the value
     * @param key the key, a non-empty string
     * @param type the class the value is decoded as
     * @return a future of the value, or empty if the key is absent or expired
     */
    public <T> CompletableFuture<Optional<T>> get(String key, Class<T> type) {
        return calls.run("get", key, () -> backend.get(Args.key(key, "key"))
                .thenApply(b -> b == null ? Optional.empty() : Optional.of(codec.decode(b, type))));
    }

    /**
     * Sets {@code key} to {@code value}, without expiry (an existing TTL is removed).
     *
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @return a future that completes once it is written
     */
    public CompletableFuture<Void> put(String key, Object value) {
        return calls.run("put", key, () -> backend.put(Args.key(key, "key"), encode(value, "value"), 0));
    }

    /**
     * Sets {@code key} to {@code value}, expiring after {@code ttl} (at least 1 ms).
     *
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @param ttl time to live, at least 1 ms
     * @return a future that completes once it is written
     */
    public CompletableFuture<Void> put(String key, Object value, Duration ttl) {
        return calls.run("put", key, () -> backend.put(Args.key(key, "key"), encode(value, "value"), Args.ttlMillis(ttl)));
    }

    /**
     * Sets {@code key} only if it is absent; {@code true} if it was set.
     *
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @return a future of true if it was set
     */
    public CompletableFuture<Boolean> putIfAbsent(String key, Object value) {
        return calls.run("putIfAbsent", key, () -> backend.putIfAbsent(Args.key(key, "key"), encode(value, "value"), 0));
    }

    /**
     * Sets {@code key} only if it is absent, expiring after {@code ttl}; {@code true} if it was set.
     *
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @param ttl time to live, at least 1 ms
     * @return a future of true if it was set
     */
    public CompletableFuture<Boolean> putIfAbsent(String key, Object value, Duration ttl) {
        return calls.run("putIfAbsent", key,
                () -> backend.putIfAbsent(Args.key(key, "key"), encode(value, "value"), Args.ttlMillis(ttl)));
    }

    /**
     * Atomically sets {@code key} to {@code update} if its current value encodes to the same
     * bytes as {@code expected}, or if {@code expected} is {@code null} and the key is absent.
     * The new value has no expiry. {@code true} if it was set.
     *
     * @param key the key, a non-empty string
     * @param expected the value expected now, or null for an absent key
     * @param update the new value
     * @return a future of true if it was set
     */
    public CompletableFuture<Boolean> compareAndSet(String key, Object expected, Object update) {
        return calls.run("compareAndSet", key, () -> backend.compareAndSet(Args.key(key, "key"),
                expected == null ? null : codec.encode(expected), encode(update, "update"), 0));
    }

    /**
     * {@link #compareAndSet(String, Object, Object)}, the new value expiring after {@code ttl}.
     *
     * @param key the key, a non-empty string
     * @param expected the value expected now, or null for an absent key
     * @param update the new value
     * @param ttl time to live, at least 1 ms
     * @return a future of true if it was set
     */
    public CompletableFuture<Boolean> compareAndSet(String key, Object expected, Object update, Duration ttl) {
        return calls.run("compareAndSet", key, () -> backend.compareAndSet(Args.key(key, "key"),
                expected == null ? null : codec.encode(expected), encode(update, "update"), Args.ttlMillis(ttl)));
    }

    /**
     * Removes {@code key}; {@code true} if it existed.
     *
     * @param key the key, a non-empty string
     * @return a future of true if the key existed
     */
    public CompletableFuture<Boolean> delete(String key) {
        return calls.run("delete", key, () -> backend.delete(Args.key(key, "key")));
    }

    /**
     * Adds 1 to the counter at {@code key} (absent counts as 0); returns the new value.
     *
     * @param key the key, a non-empty string
     * @return a future of the new value
     */
    public CompletableFuture<Long> increment(String key) {
        return increment(key, 1);
    }

    /**
     * Atomically adds {@code delta} (may be negative) to the counter at {@code key} (absent
     * counts as 0) and returns the new value; the key's TTL is kept. Fails with
     * {@link StoreException.Code#NOT_AN_INTEGER} if the value is not a 64-bit integer.
     *
     * @param key the key, a non-empty string
     * @param delta what to add, may be negative
     * @return a future of the new value
     */
    public CompletableFuture<Long> increment(String key, long delta) {
        return calls.run("increment", key, () -> backend.increment(Args.key(key, "key"), delta));
    }

    /**
     * Makes an existing key expire after {@code ttl}; {@code false} if the key is absent.
     *
     * @param key the key, a non-empty string
     * @param ttl time to live, at least 1 ms
     * @return a future of false if the key is absent
     */
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        return calls.run("expire", key, () -> backend.expire(Args.key(key, "key"), Args.ttlMillis(ttl)));
    }

    /**
     * The time left before {@code key} expires; empty if it is absent or never expires.
     *
     * @param key the key, a non-empty string
     * @return a future of the time left, or empty if absent or without expiry
     */
    public CompletableFuture<Optional<Duration>> ttl(String key) {
        return calls.run("ttl", key, () -> backend.ttlMillis(Args.key(key, "key"))
                .thenApply(ms -> ms < 0 ? Optional.<Duration>empty() : Optional.of(Duration.ofMillis(ms))));
    }

    /**
     * Up to {@value #DEFAULT_SCAN_LIMIT} live keys starting with {@code prefix}, sorted.
     *
     * @param prefix the keys' literal prefix ({@code ""}: every key)
     * @return a future of the keys, sorted
     */
    public CompletableFuture<List<String>> keys(String prefix) {
        return keys(prefix, DEFAULT_SCAN_LIMIT);
    }

    /**
     * Up to {@code limit} live keys starting with {@code prefix} (taken literally: {@code *},
     * {@code ?}, {@code [} are not patterns; {@code ""} matches every key), sorted. With Redis
     * this walks the keyspace with SCAN, so the whole walk must fit in the timeout.
     *
     * @param prefix the keys' literal prefix ({@code ""}: every key)
     * @param limit the most keys returned, at least 1
     * @return a future of the keys, sorted
     */
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        return calls.run("keys", prefix, () -> backend.keys(java.util.Objects.requireNonNull(prefix, "prefix"),
                Args.limit(limit)).thenApply(l -> l.stream().sorted().toList()));
    }

    /**
     * Sends {@code message} to every listener of {@code channel}, in every process that shares
     * this store. Delivery is at most once: listeners that are disconnected at the time miss it.
     * Completes with the number of subscribers reached (for Redis: subscribed stores).
     *
     * @param channel the channel's name
     * @param message the message, encoded by the store's codec
     * @return a future of the number of subscribers reached
     */
    public CompletableFuture<Long> publish(String channel, Object message) {
        return calls.run("publish", channel, () -> backend.publish(Args.key(channel, "channel"), encode(message, "message")));
    }

    /**
     * Calls {@code listener} with each message published on {@code channel} from now on,
     * decoded as {@code type}, on this store's delivery thread (in publish order; a listener
     * that throws is logged and stays subscribed; a message that cannot be decoded is logged
     * and dropped). Completes once the subscription is active.
     *
     * @param <T> the type of the value
     * @param channel the channel's name
     * @param type the class the value is decoded as
     * @param listener called with each message, on the store's delivery thread
     * @return a future of the subscription, active (close it to stop)
     */
    public <T> CompletableFuture<Subscription> subscribe(String channel, Class<T> type, Consumer<? super T> listener) {
        return calls.run("subscribe", channel, () -> {
            Deliveries.Listener<T> l = deliveries.listener(Args.key(channel, "channel"),
                    java.util.Objects.requireNonNull(type, "type"), java.util.Objects.requireNonNull(listener, "listener"));
            return backend.subscribe(channel, l).thenApply(l::bind);
        });
    }

    /**
     * Writes every live key of this store, with its value and remaining TTL, to {@code file}
     * (through a temporary file renamed into place, so a crash never leaves half a snapshot).
     * For the embedded store in the primary (and in-process stores): what survives a restart of
     * the primary is what the app snapshotted, e.g. in a shutdown hook or periodically, and
     * restored with {@link #restoreFrom} before forking workers. Not a point-in-time image
     * across keys: each key is written with a value it held during the snapshot.
     *
     * @return the number of keys written
     * @throws StoreException {@code INVALID_ARGUMENT} for a Redis or worker-side store (Redis
     *                        persists by itself: RDB/AOF); {@code BACKEND} if the file cannot be written
     *
     * @param file the snapshot file
     */
    public int snapshotTo(java.nio.file.Path file) {
        InProcessBackend engine = engine("snapshotTo");
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                java.nio.file.Files.newOutputStream(tmp)))) {
            int n = engine.snapshot(out);
            out.close();
            java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return n;
        } catch (java.io.IOException e) {
            throw new StoreException(StoreException.Code.BACKEND, "snapshotTo(" + file + ") on " + describe() + ": " + e, e);
        }
    }

    /**
     * Puts the keys of a {@link #snapshotTo snapshot} back into this store (TTLs counted from
     * now), replacing keys of the same name; returns how many.
     *
     * @throws StoreException {@code INVALID_ARGUMENT} for a Redis or worker-side store;
     *                        {@code BACKEND} if the file cannot be read or is no snapshot
     *
     * @param file the snapshot file
     * @return the number of keys written
     */
    public int restoreFrom(java.nio.file.Path file) {
        InProcessBackend engine = engine("restoreFrom");
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                java.nio.file.Files.newInputStream(file)))) {
            return engine.restore(in);
        } catch (java.io.IOException e) {
            throw new StoreException(StoreException.Code.BACKEND, "restoreFrom(" + file + ") on " + describe() + ": " + e, e);
        }
    }

    private InProcessBackend engine(String call) {
        if (backend instanceof EmbeddedLocal l) {
            return l.engine();
        }
        if (backend instanceof InProcessBackend ip) {
            return ip;
        }
        throw new StoreException(StoreException.Code.INVALID_ARGUMENT, call + " works on the embedded store in the primary"
                + " and on in-process stores, not on " + describe() + (describe().startsWith("redis") ? " (Redis persists by itself)" : ""));
    }

    /**
     * A batch of calls sent together: one write and flush with Redis (pipelining), one IPC
     * request with the embedded store. See {@link StoreBatch}.
     *
     * @return a new, empty batch
     */
    public StoreBatch batch() {
        return new StoreBatch(this);
    }

    /**
     * The same store with blocking calls, for threads that may block.
     *
     * @return the blocking view of this store
     */
    public BlockingStore blocking() {
        return blocking;
    }

    /**
     * Where the data lives: {@code in-process} or {@code redis://host:port}.
     *
     * @return where the data lives
     */
    public String describe() {
        return backend.describe();
    }

    /**
     * The options this store was opened with.
     *
     * @return the options
     */
    public StoreOptions options() {
        return options;
    }

    /** Closes the connections and threads; later calls fail with {@link StoreException.Code#CLOSED}. Idempotent. */
    @Override
    public void close() {
        if (calls.isClosed()) {
            return;
        }
        calls.close();
        deliveries.close();
        backend.close();
    }

    StoreBackend backend() {
        return backend;
    }

    Calls calls() {
        return calls;
    }

    StoreCodec codec() {
        return codec;
    }

    byte[] encode(Object value, String what) {
        return Args.sized(codec.encode(Args.value(value, what)), options.maxValueBytes(), what);
    }
}

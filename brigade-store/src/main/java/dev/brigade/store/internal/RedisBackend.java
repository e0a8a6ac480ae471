package dev.brigade.store.internal;

import dev.brigade.store.StoreException;
import dev.brigade.store.StoreException.Code;
import dev.brigade.store.StoreOptions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The store in Redis, through one multiplexed Lettuce connection for commands and one more,
 * opened on first use, for pub/sub ({@link RedisChannels}).
 *
 * <p>Failure policy: the connection is made before {@link #connect} returns (a Redis that is
 * down at start is reported at once). A lost connection is re-established in the background
 * with exponential backoff; meanwhile commands are rejected at once (REJECT_COMMANDS) rather
 * than buffered, so callers learn of the outage immediately instead of at the timeout.
 *
 * <p>Lettuce's own per-command timeout (TimeoutOptions) is left off on purpose: the store's
 * {@link Calls} already bounds every call, and Lettuce's costs a timer task per command (it cut
 * pipelined GETs from 72k/s to 45k/s here). A command whose caller timed out stays in Lettuce's
 * queue until Redis answers or the connection drops; nobody waits on it.
 *
 * <p>compareAndSet is one Lua script (GET, compare bytes, SET [PX]), atomic in Redis; EVAL
 * rather than EVALSHA so a restarted Redis with an empty script cache needs no retry path.
 */
public final class RedisBackend implements StoreBackend {
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final int SCAN_BATCH = 1000;
    private static final String CAS_SCRIPT = """
            local cur = redis.call('GET', KEYS[1])
            if ARGV[1] == '0' then
              if cur then return 0 end
            elseif cur ~= ARGV[2] then
              return 0
            end
            if ARGV[4] == '0' then redis.call('SET', KEYS[1], ARGV[3])
            else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
            return 1
            """;
    private static final byte[] ZERO = {'0'};
    private static final byte[] ONE = {'1'};

    private final String where;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final RedisAsyncCommands<String, byte[]> redis;
    private final RedisLink link;
    private final RedisChannels channels;
    private final long timeoutMs;
    private final RedisURI uri;
    /** Connection of pipelined batches: auto-flush off, one flush per batch; opened on first use. */
    private StatefulRedisConnection<String, byte[]> batchConnection; // guarded by batchLock
    private final Object batchLock = new Object();

    private RedisBackend(String where, ClientResources resources, RedisClient client,
                         StatefulRedisConnection<String, byte[]> connection, RedisLink link, RedisURI uri, long timeoutMs) {
        this.where = where;
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.redis = connection.async();
        this.link = link;
        this.timeoutMs = timeoutMs;
        this.uri = uri;
        this.channels = new RedisChannels(client, uri, e -> RedisErrors.translate(e, link, timeoutMs));
    }

    /** Connects to {@code url}; fails with UNAVAILABLE within the connect timeout if Redis cannot be reached. */
    public static RedisBackend connect(String url, StoreOptions options) {
        NettyUnsafe.avoidOnNewJdks(); // before the first Lettuce or Netty class is initialised
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (RuntimeException e) {
            throw new StoreException(Code.INVALID_ARGUMENT, "not a Redis URL: \"" + url + "\" (" + e.getMessage() + ")", e);
        }
        uri.setTimeout(options.timeout());
        String where = (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort()
                + (uri.getDatabase() == 0 ? "" : "/" + uri.getDatabase());
        ClientResources resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(options.reconnectMin(), options.reconnectMax(), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(options.connectTimeout()).build())
                .build());
        RedisLink link = new RedisLink(options.reconnectMax());
        client.addListener(link);
        try {
            StatefulRedisConnection<String, byte[]> c = client.connect(CODEC, uri);
            return new RedisBackend(where, resources, client, c, link, uri, options.timeout().toMillis());
        } catch (RuntimeException e) {
            shutdown(client, resources);
            throw new StoreException(Code.UNAVAILABLE, "Redis at " + where + " is unreachable at start (connect timeout "
                    + options.connectTimeout().toMillis() + " ms): " + rootMessage(e), e);
        }
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        return lift(redis.get(key));
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value, long ttlMillis) {
        RedisFuture<String> f = ttlMillis > 0 ? redis.set(key, value, SetArgs.Builder.px(ttlMillis)) : redis.set(key, value);
        return lift(f).thenApply(ok -> null);
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, long ttlMillis) {
        SetArgs args = ttlMillis > 0 ? SetArgs.Builder.nx().px(ttlMillis) : SetArgs.Builder.nx();
        return lift(redis.set(key, value, args)).thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update, long ttlMillis) {
        return cas(redis, key, expected, update, ttlMillis);
    }

    private CompletableFuture<Boolean> cas(RedisAsyncCommands<String, byte[]> redis, String key, byte[] expected, byte[] update,
                                           long ttlMillis) {
        byte[] ttl = Long.toString(Math.max(0, ttlMillis)).getBytes(StandardCharsets.US_ASCII);
        RedisFuture<Long> f = redis.eval(CAS_SCRIPT, ScriptOutputType.INTEGER, new String[] {key},
                new byte[][] {expected == null ? ZERO : ONE, expected == null ? ZERO : expected, update, ttl});
        return lift(f).thenApply(r -> r == 1L);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return lift(redis.del(key)).thenApply(n -> n > 0);
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        return lift(redis.incrby(key, delta));
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        return lift(redis.pexpire(key, ttlMillis));
    }

    @Override
    public CompletableFuture<Long> ttlMillis(String key) {
        return lift(redis.pttl(key));
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        ScanArgs args = ScanArgs.Builder.matches(Glob.escape(prefix) + "*").limit(SCAN_BATCH);
        return scan(ScanCursor.INITIAL, args, new LinkedHashSet<>(), limit);
    }

    private CompletableFuture<List<String>> scan(ScanCursor cursor, ScanArgs args, Set<String> found, int limit) {
        return lift(redis.scan(cursor, args)).thenCompose(page -> {
            for (String k : page.getKeys()) { // SCAN may return a key twice: the set keeps one
                if (found.size() < limit) {
                    found.add(k);
                }
            }
            if (page.isFinished() || found.size() >= limit) {
                return CompletableFuture.completedFuture(new ArrayList<>(found));
            }
            return scan(page, args, found, limit);
        });
    }

    @Override
    public CompletableFuture<Long> publish(String channel, byte[] message) {
        return lift(redis.publish(channel, message));
    }

    /**
     * Pipelined: the commands are written on a connection of their own with auto-flush off and
     * flushed once, so a batch of 16 GETs is one write, as redis-benchmark -P 16 does. (Lettuce
     * flushes each command on a shared connection: one syscall per command.) Consecutive GETs
     * go as one MGET: Lettuce's cost per command, not the wire, bounds a pipeline here (raw
     * Lettuce with one flush per 16 GETs: 0.1–0.3× redis-benchmark -P 16; as one MGET: 0.6–0.7×).
     * compareAndSet stays a script, in order with the rest.
     */
    @Override
    public List<CompletableFuture<?>> batch(List<Op> ops) {
        List<CompletableFuture<?>> out = new ArrayList<>(ops.size());
        synchronized (batchLock) {
            StatefulRedisConnection<String, byte[]> c;
            try {
                c = batchConnection();
            } catch (RuntimeException e) {
                StoreException failure = RedisErrors.translate(e, link, timeoutMs);
                for (int i = 0; i < ops.size(); i++) {
                    out.add(CompletableFuture.failedFuture(failure));
                }
                return out;
            }
            RedisAsyncCommands<String, byte[]> r = c.async();
            try {
                for (int i = 0; i < ops.size(); i++) {
                    Op op = ops.get(i);
                    int run = i;
                    while (run < ops.size() && ops.get(run).kind() == Op.Kind.GET) {
                        run++;
                    }
                    if (run - i >= 2) { // consecutive GETs: one MGET, answered per key
                        String[] keys = new String[run - i];
                        for (int k = 0; k < keys.length; k++) {
                            keys[k] = ops.get(i + k).key();
                        }
                        CompletableFuture<List<io.lettuce.core.KeyValue<String, byte[]>>> values = lift(r.mget(keys));
                        for (int k = 0; k < keys.length; k++) {
                            int at = k;
                            out.add(values.thenApply(l -> l.get(at).getValueOrElse(null)));
                        }
                        i = run - 1;
                        continue;
                    }
                    out.add(switch (op.kind()) {
                        case GET -> lift(r.get(op.key()));
                        case PUT -> lift(op.n() > 0 ? r.set(op.key(), op.a(), SetArgs.Builder.px(op.n())) : r.set(op.key(), op.a()));
                        case PUT_IF_ABSENT -> lift(r.set(op.key(), op.a(), op.n() > 0 ? SetArgs.Builder.nx().px(op.n())
                                : SetArgs.Builder.nx())).thenApply("OK"::equals);
                        case CAS -> cas(r, op.key(), op.a(), op.b(), op.n());
                        case DELETE -> lift(r.del(op.key())).thenApply(n -> n > 0);
                        case INCREMENT -> lift(r.incrby(op.key(), op.n()));
                        case EXPIRE -> lift(r.pexpire(op.key(), op.n()));
                        case TTL -> lift(r.pttl(op.key()));
                    });
                }
            } finally {
                c.flushCommands();
            }
        }
        return out;
    }

    private StatefulRedisConnection<String, byte[]> batchConnection() { // guarded by batchLock
        if (batchConnection == null) {
            StatefulRedisConnection<String, byte[]> c = client.connect(CODEC, uri);
            c.setAutoFlushCommands(false);
            batchConnection = c;
        }
        return batchConnection;
    }

    @Override
    public CompletableFuture<AutoCloseable> subscribe(String channel, MessageSink sink) {
        return channels.subscribe(channel, sink);
    }

    @Override
    public void close() {
        channels.close();
        connection.close();
        synchronized (batchLock) {
            if (batchConnection != null) {
                batchConnection.close();
            }
        }
        shutdown(client, resources);
    }

    private <T> CompletableFuture<T> lift(RedisFuture<T> f) {
        return f.toCompletableFuture().handle((v, e) -> {
            if (e != null) {
                throw RedisErrors.translate(e, link, timeoutMs);
            }
            return v;
        });
    }

    private static void shutdown(RedisClient client, ClientResources resources) {
        client.shutdown(0, 1, TimeUnit.SECONDS);
        resources.shutdown(0, 1, TimeUnit.SECONDS); // no wait: its Netty threads are daemons and stop by themselves
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + c.getMessage() + ")";
    }
}

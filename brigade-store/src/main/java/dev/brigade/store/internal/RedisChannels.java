package dev.brigade.store.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Redis pub/sub for one store: a dedicated connection (a subscribed Redis connection can do
 * nothing else), opened on the first subscribe, that SUBSCRIBEs a channel when its first local
 * listener arrives and UNSUBSCRIBEs when the last leaves. Lettuce re-subscribes every channel
 * after a reconnection; messages published while disconnected are lost (pub/sub is at most once).
 *
 * <p>Guarded by {@code this}: the sink lists and the commands that change the subscription,
 * issued in the same order as the bookkeeping, so SUBSCRIBE/UNSUBSCRIBE of one channel cannot
 * cross. Delivery reads a copy-on-write list without the lock.
 */
final class RedisChannels {
    private final RedisClient client;
    private final RedisURI uri;
    private final Function<Throwable, RuntimeException> translate;
    /** Channel to its local sinks; read without the lock by deliveries, changed under it. */
    private final Map<String, CopyOnWriteArrayList<StoreBackend.MessageSink>> sinks = new ConcurrentHashMap<>();
    /** Channel to its SUBSCRIBE, so a second listener also waits until the channel is active. */
    private final Map<String, CompletableFuture<Void>> active = new HashMap<>(); // guarded by this
    private CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connection; // guarded by this

    RedisChannels(RedisClient client, RedisURI uri, Function<Throwable, RuntimeException> translate) {
        this.client = client;
        this.uri = uri;
        this.translate = translate;
    }

    synchronized CompletableFuture<AutoCloseable> subscribe(String channel, StoreBackend.MessageSink sink) {
        CopyOnWriteArrayList<StoreBackend.MessageSink> list = sinks.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
        list.add(sink);
        AutoCloseable handle = () -> unsubscribe(channel, sink);
        CompletableFuture<Void> subscribed = active.get(channel);
        if (subscribed == null || subscribed.isCompletedExceptionally()) {
            subscribed = connection().thenCompose(c -> c.async().subscribe(channel).toCompletableFuture());
            active.put(channel, subscribed);
        }
        return subscribed.handle((ok, e) -> {
            if (e != null) {
                unsubscribe(channel, sink);
                throw translate.apply(e);
            }
            return handle;
        });
    }

    private synchronized void unsubscribe(String channel, StoreBackend.MessageSink sink) {
        List<StoreBackend.MessageSink> list = sinks.get(channel);
        if (list == null || !list.remove(sink) || !list.isEmpty()) {
            return;
        }
        sinks.remove(channel);
        active.remove(channel);
        connection().thenAccept(c -> c.async().unsubscribe(channel)); // best effort: a dead link drops it anyway
    }

    /** The pub/sub connection, opened once; a failed attempt is forgotten so the next subscribe retries. */
    private synchronized CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connection() {
        if (connection == null || connection.isCompletedExceptionally()) {
            connection = client.connectPubSubAsync(RedisBackend.CODEC, uri).toCompletableFuture().thenApply(c -> {
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, byte[] message) {
                        List<StoreBackend.MessageSink> list = sinksOf(channel);
                        for (StoreBackend.MessageSink s : list) {
                            s.accept(channel, message);
                        }
                    }
                });
                return c;
            });
        }
        return connection;
    }

    private List<StoreBackend.MessageSink> sinksOf(String channel) {
        List<StoreBackend.MessageSink> list = sinks.get(channel);
        return list == null ? List.of() : list;
    }

    synchronized void close() {
        sinks.clear();
        active.clear();
        if (connection != null) {
            connection.thenAccept(StatefulRedisPubSubConnection::close);
        }
    }
}

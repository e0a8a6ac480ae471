package dev.brigade.store.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded store as the primary itself sees it: the {@link EmbeddedHost}'s engine, called
 * directly (no IPC). Closing this view releases its own subscriptions only; the data belongs to
 * the host and lives as long as the primary.
 */
public final class EmbeddedLocal implements StoreBackend {
    private final InProcessBackend engine;
    private final Set<AutoCloseable> subscriptions = ConcurrentHashMap.newKeySet();

    public EmbeddedLocal(EmbeddedHost host) {
        this.engine = host.engine();
    }

    /** The host's data. */
    public InProcessBackend engine() {
        return engine;
    }

    @Override public String describe() { return "embedded (in the primary)"; }
    @Override public CompletableFuture<byte[]> get(String key) { return engine.get(key); }
    @Override public CompletableFuture<Void> put(String key, byte[] value, long ttl) { return engine.put(key, value, ttl); }
    @Override public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, long ttl) { return engine.putIfAbsent(key, value, ttl); }
    @Override public CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update, long ttl) {
        return engine.compareAndSet(key, expected, update, ttl);
    }
    @Override public CompletableFuture<Boolean> delete(String key) { return engine.delete(key); }
    @Override public CompletableFuture<Long> increment(String key, long delta) { return engine.increment(key, delta); }
    @Override public CompletableFuture<Boolean> expire(String key, long ttl) { return engine.expire(key, ttl); }
    @Override public CompletableFuture<Long> ttlMillis(String key) { return engine.ttlMillis(key); }
    @Override public CompletableFuture<List<String>> keys(String prefix, int limit) { return engine.keys(prefix, limit); }
    @Override public CompletableFuture<Long> publish(String channel, byte[] message) { return engine.publish(channel, message); }

    @Override
    public CompletableFuture<AutoCloseable> subscribe(String channel, MessageSink sink) {
        return engine.subscribe(channel, sink).thenApply(h -> {
            AutoCloseable[] self = new AutoCloseable[1];
            self[0] = () -> {
                if (subscriptions.remove(self[0])) {
                    h.close();
                }
            };
            subscriptions.add(self[0]);
            return self[0];
        });
    }

    @Override
    public void close() {
        for (AutoCloseable s : List.copyOf(subscriptions)) {
            try {
                s.close();
            } catch (Exception e) {
                // local channels do not fail to close
            }
        }
    }
}

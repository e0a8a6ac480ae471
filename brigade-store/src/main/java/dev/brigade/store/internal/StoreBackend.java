package dev.brigade.store.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a backend does, on bytes. {@link dev.brigade.store.SharedStore} adds everything the
 * backends share: validation, the codec, the value-size limit, the timeout on every call and
 * the translation of failures into {@link dev.brigade.store.StoreException}s that name the call.
 * A backend only stores bytes and reports its own failures (it may throw StoreException with a
 * precise code; anything else becomes {@code BACKEND}).
 *
 * <p>Semantics follow Redis, so every backend behaves the same: a TTL is in milliseconds
 * ({@code 0} = none); {@code put} and {@code compareAndSet} replace the TTL with theirs;
 * {@code increment} keeps it; a counter is the decimal text of a 64-bit integer. The backend
 * embedded in the cluster's primary is one more implementation of this interface
 * ({@link EmbeddedClient}), its calls carried over IPC to an {@link InProcessBackend} held by
 * the primary ({@link EmbeddedHost}).
 */
public interface StoreBackend extends AutoCloseable {
    /** Where the data lives, for error messages: {@code in-process}, {@code redis://127.0.0.1:6379}. */
    String describe();

    /** The value, or {@code null} if the key is absent or expired. */
    CompletableFuture<byte[]> get(String key);

    CompletableFuture<Void> put(String key, byte[] value, long ttlMillis);

    /** {@code true} if the key was absent and now holds the value. */
    CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, long ttlMillis);

    /** Sets {@code update} if the current value equals {@code expected} ({@code null}: is absent). */
    CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update, long ttlMillis);

    /** {@code true} if the key existed. */
    CompletableFuture<Boolean> delete(String key);

    /** Adds {@code delta} to the counter (absent counts as 0) and returns the new value. */
    CompletableFuture<Long> increment(String key, long delta);

    /** Sets a TTL on an existing key; {@code false} if the key is absent. */
    CompletableFuture<Boolean> expire(String key, long ttlMillis);

    /** Remaining TTL in ms; {@code -1} if the key has none, {@code -2} if it is absent. */
    CompletableFuture<Long> ttlMillis(String key);

    /** Up to {@code limit} live keys that start with {@code prefix} (taken literally), in any order. */
    CompletableFuture<List<String>> keys(String prefix, int limit);

    /** Sends a message; completes with the number of subscribers (connections, for Redis) reached. */
    CompletableFuture<Long> publish(String channel, byte[] message);

    /**
     * Starts delivering the channel's messages to {@code sink}; the future completes once the
     * subscription is active, so a message published afterwards is delivered.
     */
    CompletableFuture<AutoCloseable> subscribe(String channel, MessageSink sink);

    /**
     * Runs {@code ops} in order, in as few round trips as the backend can (Redis: one flush on
     * the wire; embedded: one IPC request per ~1 MiB). Each answer or failure comes in its own
     * future, in the order of {@code ops}. The calls are not a transaction: other clients' calls
     * may come between them. By default, the calls one at a time.
     */
    default java.util.List<CompletableFuture<?>> batch(java.util.List<Op> ops) {
        java.util.List<CompletableFuture<?>> out = new java.util.ArrayList<>(ops.size());
        for (Op op : ops) {
            CompletableFuture<?> f;
            try {
                f = op.applyTo(this);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            out.add(f);
        }
        return out;
    }

    /** Releases connections and threads; pending calls fail. */
    @Override
    void close();

    /** Receives the messages of a subscribed channel, on a backend thread: must not block. */
    @FunctionalInterface
    interface MessageSink {
        void accept(String channel, byte[] message);
    }
}

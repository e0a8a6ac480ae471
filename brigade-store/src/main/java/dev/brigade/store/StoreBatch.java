package dev.brigade.store;

import dev.brigade.store.internal.Args;
import dev.brigade.store.internal.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Calls sent together ({@link SharedStore#batch()}): collect them, then {@link #execute()}. With
 * Redis they go out pipelined, written and flushed once; with the embedded store they travel
 * in one IPC request. Each call's future completes with its own answer or failure, as the
 * single call would; the calls run in the order added but are not a transaction (other
 * clients' calls may come between them). Not thread-safe: one batch per thread.
 *
 * <pre>{@code
 * StoreBatch b = store.batch();
 * b.putIfAbsent("rl:ada:42", 0L, Duration.ofMinutes(1)); // the window's TTL, set once
 * CompletableFuture<Long> count = b.increment("rl:ada:42");
 * b.execute().join();
 * }</pre>
 */
public final class StoreBatch {
    private final SharedStore store;
    private final List<Op> ops = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    private boolean executed;

    /** One call's raw answer, and how to name it in an error. */
    private record Slot(String name, String key, CompletableFuture<Object> raw) {
    }

    StoreBatch(SharedStore store) {
        this.store = store;
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#get(String, Class)
     * @param <T> the type of the value
     * @param key the key, a non-empty string
     * @param type the class the value is decoded as
     * @return a future of the value, or empty if the key is absent or expired
     */
    public <T> CompletableFuture<Optional<T>> get(String key, Class<T> type) {
        java.util.Objects.requireNonNull(type, "type");
        return add("get", key, () -> new Op(Op.Kind.GET, Args.key(key, "key"), null, null, 0),
                b -> b == null ? Optional.<T>empty() : Optional.of(store.codec().decode((byte[]) b, type)));
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#put(String, Object)
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @return a future that completes once it is written
     */
    public CompletableFuture<Void> put(String key, Object value) {
        return add("put", key, () -> new Op(Op.Kind.PUT, Args.key(key, "key"), store.encode(value, "value"), null, 0), v -> null);
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#put(String, Object, Duration)
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @param ttl time to live, at least 1 ms
     * @return a future that completes once it is written
     */
    public CompletableFuture<Void> put(String key, Object value, Duration ttl) {
        return add("put", key, () -> new Op(Op.Kind.PUT, Args.key(key, "key"), store.encode(value, "value"), null,
                Args.ttlMillis(ttl)), v -> null);
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#putIfAbsent(String, Object)
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @return a future of true if it was set
     */
    public CompletableFuture<Boolean> putIfAbsent(String key, Object value) {
        return add("putIfAbsent", key, () -> new Op(Op.Kind.PUT_IF_ABSENT, Args.key(key, "key"), store.encode(value, "value"),
                null, 0), Boolean.class::cast);
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#putIfAbsent(String, Object, Duration)
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @param ttl time to live, at least 1 ms
     * @return a future of true if it was set
     */
    public CompletableFuture<Boolean> putIfAbsent(String key, Object value, Duration ttl) {
        return add("putIfAbsent", key, () -> new Op(Op.Kind.PUT_IF_ABSENT, Args.key(key, "key"), store.encode(value, "value"),
                null, Args.ttlMillis(ttl)), Boolean.class::cast);
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#compareAndSet(String, Object, Object)
     * @param key the key, a non-empty string
     * @param expected the value expected now, or null for an absent key
     * @param update the new value
     * @return a future of true if it was set
     */
    public CompletableFuture<Boolean> compareAndSet(String key, Object expected, Object update) {
        return add("compareAndSet", key, () -> new Op(Op.Kind.CAS, Args.key(key, "key"),
                expected == null ? null : store.codec().encode(expected), store.encode(update, "update"), 0), Boolean.class::cast);
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#delete(String)
     * @param key the key, a non-empty string
     * @return a future of true if the key existed
     */
    public CompletableFuture<Boolean> delete(String key) {
        return add("delete", key, () -> new Op(Op.Kind.DELETE, Args.key(key, "key"), null, null, 0), Boolean.class::cast);
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#increment(String)
     * @param key the key, a non-empty string
     * @return a future of the new value
     */
    public CompletableFuture<Long> increment(String key) {
        return increment(key, 1);
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#increment(String, long)
     * @param key the key, a non-empty string
     * @param delta what to add, may be negative
     * @return a future of the new value
     */
    public CompletableFuture<Long> increment(String key, long delta) {
        return add("increment", key, () -> new Op(Op.Kind.INCREMENT, Args.key(key, "key"), null, null, delta), Long.class::cast);
    }

    /**
     * Adds {@link SharedStore}'s call of this name to the batch; its future completes once the batch ran.
     *
     * @see SharedStore#expire(String, Duration)
     * @param key the key, a non-empty string
     * @param ttl time to live, at least 1 ms
     * @return a future of false if the key is absent
     */
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        return add("expire", key, () -> new Op(Op.Kind.EXPIRE, Args.key(key, "key"), null, null, Args.ttlMillis(ttl)),
                Boolean.class::cast);
    }

    /**
     * The number of calls collected.
     *
     * @return the number of calls added
     */
    public int size() {
        return ops.size();
    }

    /**
     * Sends the calls. The returned future completes once every call has its answer, and fails
     * if one of them failed (each call's own future says which); the whole batch is bounded by
     * {@link StoreOptions#timeout()}. A batch is executed once.
     *
     * @return a future that completes when every call of the batch has its answer
     */
    public CompletableFuture<Void> execute() {
        if (executed) {
            throw new IllegalStateException("this batch was already executed; make a new one with SharedStore.batch()");
        }
        executed = true;
        if (ops.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> all = store.calls().run("batch", ops.size() + " calls", () -> {
            List<CompletableFuture<?>> answers = store.backend().batch(ops);
            for (int i = 0; i < answers.size(); i++) {
                Slot s = slots.get(i);
                answers.get(i).whenComplete((v, e) -> {
                    if (e != null) {
                        s.raw.completeExceptionally(store.calls().fail(s.name, s.key, e));
                    } else {
                        s.raw.complete(v);
                    }
                });
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
        });
        all.whenComplete((v, e) -> {
            if (e != null) { // timeout, closed store: every call still waiting fails the same way
                for (Slot s : slots) {
                    s.raw.completeExceptionally(e);
                }
            }
        });
        return all;
    }

    private <T> CompletableFuture<T> add(String name, String key, java.util.function.Supplier<Op> op, Function<Object, T> decode) {
        if (executed) {
            throw new IllegalStateException("this batch was already executed; make a new one with SharedStore.batch()");
        }
        Op o;
        try {
            o = op.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(store.calls().fail(name, key, e));
        }
        CompletableFuture<Object> raw = new CompletableFuture<>();
        ops.add(o);
        slots.add(new Slot(name, key, raw));
        return raw.thenApply(decode);
    }
}

package dev.brigade.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The blocking view of a {@link SharedStore} ({@link SharedStore#blocking()}): the same calls,
 * waiting for the answer. Each waits at most {@link StoreOptions#timeout()} and throws the
 * {@link StoreException} that failed the call (with this thread's stack, the original as
 * cause). Do not call it from a future's continuation, which may run on a backend I/O thread.
 */
public final class BlockingStore {
    private final SharedStore store;
    private final long boundMillis;

    BlockingStore(SharedStore store) {
        this.store = store;
        // the futures are already bounded; this second bound only guards against a bug there
        this.boundMillis = store.options().timeout().toMillis() * 2 + 1_000;
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#get(String, Class)
     * @param <T> the type of the value
     * @param key the key, a non-empty string
     * @param type the class the value is decoded as
     * @return the value, or empty if the key is absent or expired
     */
    public <T> Optional<T> get(String key, Class<T> type) {
        return await(store.get(key, type));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#put(String, Object)
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     */
    public void put(String key, Object value) {
        await(store.put(key, value));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#put(String, Object, Duration)
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @param ttl time to live, at least 1 ms
     */
    public void put(String key, Object value, Duration ttl) {
        await(store.put(key, value, ttl));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#putIfAbsent(String, Object)
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @return true if it was set
     */
    public boolean putIfAbsent(String key, Object value) {
        return await(store.putIfAbsent(key, value));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#putIfAbsent(String, Object, Duration)
     * @param key the key, a non-empty string
     * @param value the value, encoded by the store's codec
     * @param ttl time to live, at least 1 ms
     * @return true if it was set
     */
    public boolean putIfAbsent(String key, Object value, Duration ttl) {
        return await(store.putIfAbsent(key, value, ttl));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#compareAndSet(String, Object, Object)
     * @param key the key, a non-empty string
     * @param expected the value expected now, or null for an absent key
     * @param update the new value
     * @return true if it was set
     */
    public boolean compareAndSet(String key, Object expected, Object update) {
        return await(store.compareAndSet(key, expected, update));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#compareAndSet(String, Object, Object, Duration)
     * @param key the key, a non-empty string
     * @param expected the value expected now, or null for an absent key
     * @param update the new value
     * @param ttl time to live, at least 1 ms
     * @return true if it was set
     */
    public boolean compareAndSet(String key, Object expected, Object update, Duration ttl) {
        return await(store.compareAndSet(key, expected, update, ttl));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#delete(String)
     * @param key the key, a non-empty string
     * @return true if the key existed
     */
    public boolean delete(String key) {
        return await(store.delete(key));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#increment(String)
     * @param key the key, a non-empty string
     * @return the new value
     */
    public long increment(String key) {
        return await(store.increment(key));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#increment(String, long)
     * @param key the key, a non-empty string
     * @param delta what to add, may be negative
     * @return the new value
     */
    public long increment(String key, long delta) {
        return await(store.increment(key, delta));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#expire(String, Duration)
     * @param key the key, a non-empty string
     * @param ttl time to live, at least 1 ms
     * @return false if the key is absent
     */
    public boolean expire(String key, Duration ttl) {
        return await(store.expire(key, ttl));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#ttl(String)
     * @param key the key, a non-empty string
     * @return the time left, or empty if absent or without expiry
     */
    public Optional<Duration> ttl(String key) {
        return await(store.ttl(key));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#keys(String)
     * @param prefix the keys' literal prefix ({@code ""}: every key)
     * @return the keys, sorted
     */
    public List<String> keys(String prefix) {
        return await(store.keys(prefix));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#keys(String, int)
     * @param prefix the keys' literal prefix ({@code ""}: every key)
     * @param limit the most keys returned, at least 1
     * @return the keys, sorted
     */
    public List<String> keys(String prefix, int limit) {
        return await(store.keys(prefix, limit));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#publish(String, Object)
     * @param channel the channel's name
     * @param message the message, encoded by the store's codec
     * @return the number of subscribers reached
     */
    public long publish(String channel, Object message) {
        return await(store.publish(channel, message));
    }

    /**
     * The blocking form of {@link SharedStore}'s call of this name: waits for its answer (the store's timeout bounds it).
     *
     * @see SharedStore#subscribe(String, Class, Consumer)
     * @param <T> the type of the value
     * @param channel the channel's name
     * @param type the class the value is decoded as
     * @param listener called with each message, on the store's delivery thread
     * @return the subscription, active (close it to stop)
     */
    public <T> Subscription subscribe(String channel, Class<T> type, Consumer<? super T> listener) {
        return await(store.subscribe(channel, type, listener));
    }

    /**
     * Sends the batch and waits until every call of it has its answer.
     *
     * @throws StoreException the first failure, if a call failed (each call's future says which)
     * @see StoreBatch#execute()
     * @param batch the calls to run together
     */
    public void execute(StoreBatch batch) {
        await(batch.execute());
    }

    private <T> T await(CompletableFuture<T> f) {
        // no spin before parking: measured on the shared 2-core VMs, a 20 µs spin doubled the
        // median round trip (34 -> 55-87 µs) by taking the core the answering thread needed
        try {
            return f.get(boundMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw new StoreException(se.code(), se.getMessage(), se);
            }
            throw new StoreException(StoreException.Code.BACKEND, String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Code.BACKEND, "interrupted while waiting for " + store.describe(), e);
        } catch (TimeoutException e) {
            throw new StoreException(StoreException.Code.TIMEOUT, "no answer from " + store.describe()
                    + " within " + boundMillis + " ms", e);
        }
    }
}

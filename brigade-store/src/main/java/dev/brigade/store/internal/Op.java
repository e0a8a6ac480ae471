package dev.brigade.store.internal;

/**
 * One call of a {@link StoreBackend#batch batch}, on bytes. {@code a} and {@code b} are the
 * call's byte arguments (value; or expected and update for a compareAndSet, {@code a} null for
 * "absent"), {@code n} its number (TTL in ms, or the delta of an increment).
 *
 * <p>Answers, by kind: GET {@code byte[]} or null; PUT null; PUT_IF_ABSENT, CAS, DELETE, EXPIRE
 * {@link Boolean}; INCREMENT and TTL {@link Long}.
 */
public record Op(Kind kind, String key, byte[] a, byte[] b, long n) {
    public enum Kind { GET, PUT, PUT_IF_ABSENT, CAS, DELETE, INCREMENT, EXPIRE, TTL }

    /** Runs this call on {@code backend}, one call at a time (the default batch). */
    public java.util.concurrent.CompletableFuture<?> applyTo(StoreBackend backend) {
        return switch (kind) {
            case GET -> backend.get(key);
            case PUT -> backend.put(key, a, n);
            case PUT_IF_ABSENT -> backend.putIfAbsent(key, a, n);
            case CAS -> backend.compareAndSet(key, a, b, n);
            case DELETE -> backend.delete(key);
            case INCREMENT -> backend.increment(key, n);
            case EXPIRE -> backend.expire(key, n);
            case TTL -> backend.ttlMillis(key);
        };
    }

    /** A rough size on the wire, to keep a batch's frames well under the IPC frame limit. */
    int weight() {
        return 32 + key.length() + (a == null ? 0 : a.length) + (b == null ? 0 : b.length);
    }
}

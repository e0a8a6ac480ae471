package dev.brigade.store.examples;

import dev.brigade.store.SharedStore;
import dev.brigade.store.StoreBatch;
import dev.brigade.store.StoreCodec;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * HTTP sessions in the shared store, so that any worker can serve any request of a session (no
 * sticky sessions needed): a random id in a cookie, the session's data under
 * {@code session:<id>}, expiring after {@code idleTimeout} without a request (each
 * {@link #load} slides the expiry, in the same round trip as the read).
 *
 * <p>{@link #update} changes a session with a compare-and-set loop, so two requests of one
 * session served at once by two workers both land (neither overwrites the other's change).
 * It relies on the codec passing {@code byte[]} through unchanged, as the default JSON codec does.
 *
 * <pre>{@code
 * SessionStore sessions = new SessionStore(store, Duration.ofMinutes(30));
 * // in a handler (JDK HttpServer):
 * Optional<String> id = SessionStore.idFromCookies(exchange.getRequestHeaders().getFirst("Cookie"));
 * sessions.load(id.orElse(""), Cart.class).thenCompose(cart -> ...);
 * exchange.getResponseHeaders().add("Set-Cookie", sessions.setCookie(newId));
 * }</pre>
 */
public final class SessionStore {
    /** The cookie's name. */
    public static final String COOKIE = "BRIGADE_SESSION";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final int MAX_UPDATE_ATTEMPTS = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SharedStore store;
    private final Duration idleTimeout;

    /**
     * Sessions in {@code store} that expire after {@code idleTimeout} without use.
     *
     * @param store where sessions live (shared by every worker)
     * @param idleTimeout how long an unused session lives, at least 1 ms
     */
    public SessionStore(SharedStore store, Duration idleTimeout) {
        this.store = Objects.requireNonNull(store, "store");
        if (idleTimeout == null || idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("idleTimeout must be at least 1 ms, got " + idleTimeout);
        }
        this.idleTimeout = idleTimeout;
    }

    /**
     * Stores a new session holding {@code data}; completes with its id (256 random bits, URL-safe).
     *
     * @param data the session's data, encoded by the store's codec
     * @return a future of the new session's id
     */
    public CompletableFuture<String> create(Object data) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return store.put(key(id), data, idleTimeout).thenApply(v -> id);
    }

    /**
     * The session's data, and its expiry pushed back by {@code idleTimeout}; empty if unknown, expired or malformed.
     *
     * @param <T> the type of the data
     * @param id the session's id
     * @param type the class the data is decoded as
     * @return a future of the data, or empty
     */
    public <T> CompletableFuture<Optional<T>> load(String id, Class<T> type) {
        if (!valid(id)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        StoreBatch b = store.batch();
        CompletableFuture<Optional<T>> data = b.get(key(id), type);
        b.expire(key(id), idleTimeout);
        b.execute();
        return data;
    }

    /**
     * Replaces the session's data (and restarts its idle timeout).
     *
     * @param id the session's id
     * @param data the session's data, encoded by the store's codec
     * @return a future that completes once it is written
     */
    public CompletableFuture<Void> save(String id, Object data) {
        if (!valid(id)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a session id"));
        }
        return store.put(key(id), data, idleTimeout);
    }

    /**
     * Applies {@code change} to the session's current data, atomically with respect to other
     * updates (retried if another worker changed it meanwhile). Completes with {@code false} if
     * the session does not exist.
     *
     * @param <T> the type of the data
     * @param id the session's id
     * @param type the class the data is decoded as
     * @param change computes the new data from the current data
     * @return a future of false if the session does not exist
     */
    public <T> CompletableFuture<Boolean> update(String id, Class<T> type, UnaryOperator<T> change) {
        if (!valid(id)) {
            return CompletableFuture.completedFuture(false);
        }
        return update(key(id), type, change, store.options().codec(), 1);
    }

    private <T> CompletableFuture<Boolean> update(String key, Class<T> type, UnaryOperator<T> change, StoreCodec codec, int attempt) {
        return store.get(key, byte[].class).thenCompose(raw -> {
            if (raw.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            T next = change.apply(codec.decode(raw.get(), type));
            return store.compareAndSet(key, raw.get(), next, idleTimeout).thenCompose(swapped -> {
                if (swapped) {
                    return CompletableFuture.completedFuture(true);
                }
                if (attempt >= MAX_UPDATE_ATTEMPTS) {
                    return CompletableFuture.failedFuture(new IllegalStateException("session update lost the race "
                            + MAX_UPDATE_ATTEMPTS + " times in a row"));
                }
                return update(key, type, change, codec, attempt + 1);
            });
        });
    }

    /**
     * Ends the session; {@code true} if it existed.
     *
     * @param id the session's id
     * @return a future of true if it existed
     */
    public CompletableFuture<Boolean> destroy(String id) {
        return valid(id) ? store.delete(key(id)) : CompletableFuture.completedFuture(false);
    }

    /**
     * The {@code Set-Cookie} header value that hands {@code id} to the browser.
     *
     * @param id the session's id
     * @return the header value
     */
    public String setCookie(String id) {
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + idleTimeout.toSeconds();
    }

    /**
     * The session id in a {@code Cookie} request header, if there is a well-formed one.
     *
     * @param cookieHeader the {@code Cookie} header, or null
     * @return the id, or empty
     */
    public static Optional<String> idFromCookies(String cookieHeader) {
        if (cookieHeader == null) {
            return Optional.empty();
        }
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) {
                String id = p.substring(COOKIE.length() + 1);
                if (valid(id)) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private static String key(String id) {
        return "session:" + id;
    }
}

package dev.brigade.store.examples;

import dev.brigade.store.SharedStore;
import dev.brigade.store.StoreBatch;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A cluster-wide rate limit: at most {@code limit} calls per client per fixed window, however
 * many workers (or machines) serve that client. Exact: each attempt is one atomic increment of
 * the window's counter in the shared store, and an attempt is allowed iff its increment returned
 * a value ≤ limit, so exactly {@code limit} attempts of a window are allowed, never one more.
 *
 * <p>One round trip per attempt: a {@link StoreBatch} of "create the window's counter with its
 * TTL if absent" and "increment it" (the TTL is set when the counter is created, so a crash
 * between two calls can never leave a counter without expiry). Counters expire one second after
 * their window ends.
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(store, "api", 100, Duration.ofMinutes(1));
 * limiter.tryAcquire(clientIp).thenAccept(d -> respond(d.allowed() ? 200 : 429, d.retryAfter()));
 * }</pre>
 */
public final class RateLimiter {
    /**
     * The answer to one attempt.
     *
     * @param allowed    whether the call may proceed
     * @param count      the attempts of this client in this window so far, this one included
     * @param limit      the limit per window
     * @param retryAfter when denied, the time until the window ends; zero when allowed
     */
    public record Decision(boolean allowed, long count, long limit, Duration retryAfter) {
        /**
         * Attempts left in this window.
         *
         * @return the attempts left
         */
        public long remaining() {
            return Math.max(0, limit - count);
        }
    }

    private final SharedStore store;
    private final String name;
    private final long limit;
    private final long windowMillis;
    private final Clock clock;

    /**
     * A limit of {@code limit} calls per {@code window}, on the system clock.
     *
     * @param store where the counters live (shared by every worker)
     * @param name the limit's name, part of its keys
     * @param limit calls allowed per window, at least 1
     * @param window the window's length, at least 1 ms
     */
    public RateLimiter(SharedStore store, String name, long limit, Duration window) {
        this(store, name, limit, window, Clock.systemUTC());
    }

    /**
     * The same, windows read from {@code clock} (tests pin it; workers on one machine share it).
     *
     * @param store where the counters live (shared by every worker)
     * @param name the limit's name, part of its keys
     * @param limit calls allowed per window, at least 1
     * @param window the window's length, at least 1 ms
     * @param clock where windows are read from
     */
    public RateLimiter(SharedStore store, String name, long limit, Duration window, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.name = Objects.requireNonNull(name, "name");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        if (window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be at least 1 ms, got " + window);
        }
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Counts one attempt of {@code client} and says whether it is within the limit.
     *
     * @param client who is calling (an IP, a user id)
     * @return a future of the decision
     */
    public CompletableFuture<Decision> tryAcquire(String client) {
        Objects.requireNonNull(client, "client");
        long now = clock.millis();
        long window = Math.floorDiv(now, windowMillis);
        long left = (window + 1) * windowMillis - now;
        String key = "ratelimit:" + name + ":" + client + ":" + window;
        StoreBatch batch = store.batch();
        batch.putIfAbsent(key, "0", Duration.ofMillis(left + 1_000));
        CompletableFuture<Long> count = batch.increment(key);
        batch.execute();
        return count.thenApply(n -> new Decision(n <= limit, n, limit, n <= limit ? Duration.ZERO : Duration.ofMillis(left)));
    }
}

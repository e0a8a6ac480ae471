package dev.brigade.store;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SharedStore}, validated up front (the message names the option). Start
 * from {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * @param timeout          bound on every call: a call that gets no answer in time fails with
 *                         {@link StoreException.Code#TIMEOUT}; default 2 s
 * @param connectTimeout   bound on connecting to a remote backend (at start and on each
 *                         reconnection attempt); default 2 s
 * @param reconnectMin     first delay before reconnecting to a remote backend; doubles per
 *                         failed attempt; default 10 ms
 * @param reconnectMax     largest delay between reconnection attempts; default 2 s
 * @param maxValueBytes    largest encoded value (and pub/sub message) accepted; default 1 MiB
 * @param codec            how values become bytes; default {@link JsonCodec}
 * @param clock            time source of the in-process backend's expiry; default the system's
 */
public record StoreOptions(Duration timeout, Duration connectTimeout, Duration reconnectMin, Duration reconnectMax,
                           int maxValueBytes, StoreCodec codec, StoreClock clock) {
    /** Default {@link #maxValueBytes()}: 1 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

    /**
     * Validates every option; {@link IllegalArgumentException} names the wrong one.
     */
    public StoreOptions {
        positive(timeout, "timeout");
        positive(connectTimeout, "connectTimeout");
        positive(reconnectMin, "reconnectMin");
        positive(reconnectMax, "reconnectMax");
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("StoreOptions.reconnectMax (" + reconnectMax
                    + ") must not be below StoreOptions.reconnectMin (" + reconnectMin + ")");
        }
        if (maxValueBytes < 1) {
            throw new IllegalArgumentException("StoreOptions.maxValueBytes must be positive, got " + maxValueBytes);
        }
        Objects.requireNonNull(codec, "StoreOptions.codec");
        Objects.requireNonNull(clock, "StoreOptions.clock");
    }

    /**
     * The defaults: 2 s timeouts, reconnect backoff 10 ms to 2 s, 1 MiB values, JSON, system clock.
     *
     * @return the default options
     */
    public static StoreOptions defaults() {
        return new StoreOptions(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(10),
                Duration.ofSeconds(2), DEFAULT_MAX_VALUE_BYTES, new JsonCodec(), StoreClock.system());
    }

    /**
     * These options with another {@link #timeout()}.
     *
     * @param t the new bound, positive
     * @return the new options
     */
    public StoreOptions withTimeout(Duration t) {
        return new StoreOptions(t, connectTimeout, reconnectMin, reconnectMax, maxValueBytes, codec, clock);
    }

    /**
     * These options with another {@link #connectTimeout()}.
     *
     * @param t the new bound, positive
     * @return the new options
     */
    public StoreOptions withConnectTimeout(Duration t) {
        return new StoreOptions(timeout, t, reconnectMin, reconnectMax, maxValueBytes, codec, clock);
    }

    /**
     * These options with another reconnection backoff.
     *
     * @param min the first delay, positive
     * @param max the largest delay (a size in bytes for withMaxValueBytes), positive
     * @return the new options
     */
    public StoreOptions withReconnectBackoff(Duration min, Duration max) {
        return new StoreOptions(timeout, connectTimeout, min, max, maxValueBytes, codec, clock);
    }

    /**
     * These options with another {@link #maxValueBytes()}.
     *
     * @param max the largest encoded value, in bytes, at least 1
     * @return the new options
     */
    public StoreOptions withMaxValueBytes(int max) {
        return new StoreOptions(timeout, connectTimeout, reconnectMin, reconnectMax, max, codec, clock);
    }

    /**
     * These options with another {@link #codec()}.
     *
     * @param c the new one
     * @return the new options
     */
    public StoreOptions withCodec(StoreCodec c) {
        return new StoreOptions(timeout, connectTimeout, reconnectMin, reconnectMax, maxValueBytes, c, clock);
    }

    /**
     * These options with another {@link #clock()}.
     *
     * @param c the new one
     * @return the new options
     */
    public StoreOptions withClock(StoreClock c) {
        return new StoreOptions(timeout, connectTimeout, reconnectMin, reconnectMax, maxValueBytes, codec, c);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("StoreOptions." + name + " must be a positive duration, got " + d);
        }
    }
}

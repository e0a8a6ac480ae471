package dev.brigade.store;

import java.util.Objects;

/**
 * Every failure of a {@link SharedStore} call: an unchecked exception with a stable
 * {@link Code} to switch on, and a message that names the call, the key and the numbers needed
 * to act ("get("user:1") timed out after 500 ms on redis://127.0.0.1:6379").
 *
 * <p>Futures returned by the store complete exceptionally with this exception (possibly wrapped
 * in a {@link java.util.concurrent.CompletionException} by {@code join}); the
 * {@link BlockingStore} view throws it directly.
 */
public final class StoreException extends RuntimeException {
    /** Stable identities of store failures. */
    public enum Code {
        /** The backend did not answer within {@link StoreOptions#timeout()}; the outcome of a write is unknown. */
        TIMEOUT,
        /** The backend cannot be reached (refused, disconnected, reconnecting); the call was not performed. */
        UNAVAILABLE,
        /** The encoded value is larger than {@link StoreOptions#maxValueBytes()}. */
        VALUE_TOO_LARGE,
        /** The codec cannot encode the value or decode the stored bytes as the asked type. */
        CODEC,
        /** {@code increment} on a key whose value is not a 64-bit integer, or the sum overflows. */
        NOT_AN_INTEGER,
        /** A key, channel or argument is invalid (empty key, non-positive TTL...). */
        INVALID_ARGUMENT,
        /** The store was closed. */
        CLOSED,
        /** Any other failure the backend reported. */
        BACKEND
    }

    /** The stable identity of this failure (part of the serialized form). */
    private final Code code;

    /**
     * A failure of this kind.
     *
     * @param code    the stable identity of the failure
     * @param message what failed, with the key and the numbers involved
     * @param cause   the underlying failure, or {@code null}
     */
    public StoreException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * A failure without an underlying cause.
     *
     * @param code the stable identity of the failure
     * @param message what failed, with the key and the numbers involved
     */
    public StoreException(Code code, String message) {
        this(code, message, null);
    }

    /**
     * The stable identity of this failure.
     *
     * @return the failure's code
     */
    public Code code() {
        return code;
    }
}

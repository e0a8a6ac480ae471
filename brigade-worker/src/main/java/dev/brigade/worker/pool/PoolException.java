package dev.brigade.worker.pool;

import java.util.Objects;

/**
 * An error a {@link WorkerPool} completes a task's future with (or, for a task that threw, the
 * task's own exception is used instead). Its {@link #code()} is stable; its message carries the
 * numbers needed to act: limits, depths, durations, counts.
 */
public class PoolException extends RuntimeException {
    /** The error's stable identity. */
    private final PoolErrorCode code;

    /**
     * An error with a stable code; the message is prefixed with the code.
     *
     * @param code    the error's identity
     * @param message what happened, with the figures needed to act
     */
    public PoolException(PoolErrorCode code, String message) {
        this(code, message, null);
    }

    /**
     * An error with a stable code and a cause; the message is prefixed with the code.
     *
     * @param code    the error's identity
     * @param message what happened, with the figures needed to act
     * @param cause   the underlying failure, or null
     */
    public PoolException(PoolErrorCode code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * The stable identity of this error.
     *
     * @return the stable identity of this error
     */
    public PoolErrorCode code() {
        return code;
    }
}

package dev.brigade.worker.pool;

import java.util.Objects;

/**
 * An error a {@link WorkerPool} completes a task's future with (or, for a task that threw, the
 * task's own exception is used instead). Its {@link #code()} is stable; its message carries the
 * numbers needed to act: limits, depths, durations, counts.
 */
public class PoolException extends RuntimeException {
    private final PoolErrorCode code;

    public PoolException(PoolErrorCode code, String message) {
        this(code, message, null);
    }

    public PoolException(PoolErrorCode code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable identity of this error. */
    public PoolErrorCode code() {
        return code;
    }
}

package dev.brigade.worker;

import java.util.Objects;

/**
 * An error raised by Brigade's workers. Its {@link #code()} is stable; its message says what
 * happened, to what, and what would have been valid.
 */
public class WorkerException extends RuntimeException {
    private final ErrorCode code;

    public WorkerException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public WorkerException(ErrorCode code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable identity of this error. */
    public ErrorCode code() {
        return code;
    }
}

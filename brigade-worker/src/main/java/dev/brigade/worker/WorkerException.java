package dev.brigade.worker;

import java.util.Objects;

/**
 * An error raised by Brigade's workers. Its {@link #code()} is stable; its message says what
 * happened, to what, and what would have been valid.
 */
public class WorkerException extends RuntimeException {
    /** The error's stable identity. */
    private final ErrorCode code;

    /**
     * An error with a stable code; the message is prefixed with the code.
     *
     * @param code    the error's identity
     * @param message what happened, with the values needed to act
     */
    public WorkerException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /**
     * An error with a stable code and a cause; the message is prefixed with the code.
     *
     * @param code    the error's identity
     * @param message what happened, with the values needed to act
     * @param cause   the underlying failure, or null
     */
    public WorkerException(ErrorCode code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * The stable identity of this error.
     *
     * @return the stable identity of this error
     */
    public ErrorCode code() {
        return code;
    }
}

package dev.brigade.cluster;

/**
 * A failure in a cluster, with a stable {@link Code} (like Node's {@code ERR_*} codes) that
 * programs can switch on; the message carries the numbers needed to act.
 */
public class ClusterException extends RuntimeException {
    /** Stable identities of cluster failures. */
    public enum Code {
        /** A worker could not start: unknown main class, bad jar, exit before online, boot-error exit code. */
        BOOT_FAILED,
        /** A slot restarted too often within the restart window and was given up. */
        CRASH_LOOP,
        /** A worker missed its heartbeats: thread dump requested, then killed and replaced. */
        HUNG,
        /** A worker's resident memory exceeded the limit: it is replaced gracefully. */
        MEMORY_LIMIT,
        /** A peer broke the IPC protocol (malformed, oversized or unknown frame, wrong token). */
        PROTOCOL,
        /** The worker process could not be spawned at all. */
        SPAWN_FAILED,
        /** A request got no reply in time. */
        REQUEST_TIMEOUT,
        /** The other side's request handler failed; the message holds its error. */
        REQUEST_FAILED,
        /** The IPC channel is closed: the peer exited or disconnected. */
        CHANNEL_CLOSED,
        /** A declared port could not be bound by the primary (in use, not permitted, unknown host). */
        LISTEN_FAILED,
        /** A worker did not listen on the declared ports within the listen timeout (reported; it keeps running). */
        NOT_LISTENING,
        /** A rolling reload stopped because a new worker did not start or listen in time; the old ones keep serving. */
        RELOAD_ABORTED
    }

    /** The stable identity of this failure (part of the serialized form). */
    private final Code code;

    /**
     * A failure of this kind.
     *
     * @param code its kind
     * @param message what happened, with the numbers needed to act
     */
    public ClusterException(Code code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * A failure of this kind, caused by another.
     *
     * @param code its kind
     * @param message what happened
     * @param cause the underlying failure
     */
    public ClusterException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /**
     * The failure's stable identity.
     *
     * @return the kind of failure
     */
    public Code code() {
        return code;
    }

    @Override
    public String toString() {
        return "ClusterException[" + code + "]: " + getMessage();
    }
}

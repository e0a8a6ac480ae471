package dev.brigade.worker;

/**
 * Stable identities of the errors Brigade's workers raise, in the spirit of Node's
 * {@code ERR_*} codes: scripts and tests match on the code, never on the message text.
 */
public enum ErrorCode {
    /** A message was posted on a port (or to a worker) whose channel is closed. */
    ERR_PORT_CLOSED,
    /** A ByteBuffer that was already transferred was posted or transferred again. */
    ERR_BUFFER_DETACHED,
    /** An object in a transfer list is not of a transferable type. */
    ERR_NOT_TRANSFERABLE,
    /** The same object appears twice in one transfer list. */
    ERR_TRANSFER_DUPLICATE,
    /** A port's own end (or its partner) was listed for transfer over that port. */
    ERR_TRANSFER_SOURCE_PORT,
    /** A transferred ByteBuffer is not reachable from the message through records, lists, maps or arrays. */
    ERR_TRANSFER_NOT_REACHABLE,
    /**
     * A MessagePort was sent (as the message or anywhere inside it) without being listed in the
     * transfer list: Node's {@code ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST}.
     */
    ERR_PORT_NOT_TRANSFERRED,
    /** The worker's entry class could not be loaded or instantiated. */
    ERR_WORKER_ENTRY,
    /** A worker did not stop within its grace period after {@code terminate()}. */
    ERR_WORKER_STUCK,
    /** An option has a value outside its valid range. */
    ERR_INVALID_OPTION
}

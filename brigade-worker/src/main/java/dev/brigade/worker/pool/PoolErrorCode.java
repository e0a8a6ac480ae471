package dev.brigade.worker.pool;

/**
 * Stable identities of the errors a {@link WorkerPool} reports, in the spirit of Node's
 * {@code ERR_*} codes: match on the code, never on the message. Invalid options are reported as
 * {@link dev.brigade.worker.ErrorCode#ERR_INVALID_OPTION}, like every Brigade option.
 */
public enum PoolErrorCode {
    /** {@code run} found the queue at its limit ({@code maxQueue}); the message gives the limit and the depth. */
    ERR_QUEUE_FULL,
    /** {@code run} was called after {@code close()}. */
    ERR_POOL_CLOSED,
    /** The pool was destroyed while the task was queued or running. */
    ERR_POOL_DESTROYED,
    /** {@code close()} timed out before the task finished; the message says how many were left. */
    ERR_CLOSE_TIMEOUT,
    /** The task ran longer than its {@link RunOptions#timeout()} (or waited that long in the queue). */
    ERR_TASK_TIMEOUT,
    /** The task's {@link AbortSignal} was aborted. */
    ERR_TASK_ABORTED,
    /** The worker running the task died (it called {@code exit}, or was terminated) before the task finished. */
    ERR_WORKER_DIED,
    /** No task function has the name given in {@link RunOptions#name()}. */
    ERR_TASK_NOT_FOUND,
    /** The pool's task handler could not be created on the worker (its constructor threw). */
    ERR_TASK_ENTRY
}

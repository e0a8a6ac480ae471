package dev.brigade.worker.pool;

/**
 * A task as a {@link TaskQueue} sees it. Queues only store and hand back these objects; the pool
 * keeps the task's state.
 */
public interface QueuedTask {
    /**
     * The task's input, as given to {@code run}.
     *
     * @return the task's input, as given to {@code run}
     */
    Object task();

    /**
     * The task function's name; null for the default {@link TaskHandler#run}.
     *
     * @return the task function's name; null for the default {@link TaskHandler#run}
     */
    String name();

    /**
     * True once the task was cancelled, timed out or aborted while queued. Cancellation is O(1):
     * the pool forgets the task at once (it no longer counts against {@code maxQueue}) and the
     * queue drops the entry when it reaches it; a queue may also drop it earlier.
     *
     * @return true once the task was cancelled, timed out or aborted while queued
     */
    boolean isWithdrawn();
}

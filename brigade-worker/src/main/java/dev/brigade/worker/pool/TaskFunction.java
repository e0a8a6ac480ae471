package dev.brigade.worker.pool;

/**
 * One named task function of a {@link TaskHandler}, chosen with {@link RunOptions#name()}.
 *
 * @param <T> the task's input
 * @param <R> its result; a {@link java.util.concurrent.CompletionStage} makes the task asynchronous
 */
@FunctionalInterface
public interface TaskFunction<T, R> {
    /**
     * Runs the task.
     *
     * @param task the task given to {@code pool.run}
     * @return the task's result
     * @throws Exception anything: it fails this task's future only
     */
    R apply(T task) throws Exception;
}

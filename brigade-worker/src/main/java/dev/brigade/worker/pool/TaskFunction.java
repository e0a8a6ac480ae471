package dev.brigade.worker.pool;

/**
 * One named task function of a {@link TaskHandler}, chosen with {@link RunOptions#name()}.
 *
 * @param <T> the task's input
 * @param <R> its result; a {@link java.util.concurrent.CompletionStage} makes the task asynchronous
 */
@FunctionalInterface
public interface TaskFunction<T, R> {
    R apply(T task) throws Exception;
}

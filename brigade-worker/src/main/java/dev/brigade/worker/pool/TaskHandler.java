package dev.brigade.worker.pool;

import java.util.Map;

/**
 * The code a {@link WorkerPool} runs: Piscina's worker file for the JVM.
 *
 * <p>Name a class (public, with a public no-argument constructor) in
 * {@link PoolOptions#builder(Class)}: each worker thread creates its own instance, on its own
 * thread, so state kept in fields is never shared between workers (caches, buffers, digests).
 * For threads a lambda will do too ({@link PoolOptions#builder(TaskHandler)}), shared by every
 * worker.
 *
 * <pre>{@code
 * public final class Hasher implements TaskHandler<byte[], byte[]> {
 *     private final MessageDigest sha = MessageDigest.getInstance("SHA-256"); // one per worker
 *     public Hasher() throws Exception { }
 *     public byte[] run(byte[] data) { return sha.digest(data); }
 *     public Map<String, TaskFunction<byte[], byte[]>> functions() {
 *         return Map.of("reverse", data -> reverse(data));      // pool.run(x, RunOptions.named("reverse"))
 *     }
 * }
 * }</pre>
 *
 * <p>A task that throws fails its own future with that exception; the worker goes on. A task
 * that returns a {@link java.util.concurrent.CompletionStage} completes when the stage does,
 * and counts against {@link PoolOptions#concurrentTasksPerWorker()} until then. Long tasks
 * should check {@link Thread#interrupted()} (or block interruptibly): cancelling a running task
 * interrupts its thread. Inside a task, {@link dev.brigade.worker.WorkerContext#current()} gives
 * the worker's name, workerData, stdout and stderr.
 *
 * @param <T> the task's input
 * @param <R> its result
 */
@FunctionalInterface
public interface TaskHandler<T, R> {
    /**
     * The default task function: what {@code pool.run(task)} calls.
     *
     * @param task the task given to {@code pool.run}
     * @return the task's result
     * @throws Exception anything: it fails this task's future only
     */
    R run(T task) throws Exception;

    /**
     * Named task functions besides {@link #run}, called once per worker after construction.
     * None by default.
     *
     * @return the functions by name; called once per worker, so they may use the instance's fields
     */
    default Map<String, TaskFunction<T, R>> functions() {
        return Map.of();
    }
}

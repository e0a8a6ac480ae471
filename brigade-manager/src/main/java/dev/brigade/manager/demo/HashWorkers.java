package dev.brigade.manager.demo;

import dev.brigade.examples.demo.HashWork;
import dev.brigade.worker.pool.PoolOptions;
import dev.brigade.worker.pool.TaskHandler;
import dev.brigade.worker.pool.WorkerPool;
import java.util.concurrent.CompletableFuture;

/**
 * Hashing moved off the request threads: a Brigade {@link WorkerPool} with one worker thread per
 * core; the request thread only hands the password over and answers when the future completes.
 */
final class HashWorkers implements AutoCloseable {
    private final WorkerPool<String, String> pool;

    HashWorkers(int threads, HashWork work) {
        TaskHandler<String, String> hasher = work::hash;
        pool = WorkerPool.create(PoolOptions.builder(hasher).threads(threads).maxQueue(4096).build());
    }

    CompletableFuture<String> hash(String password) {
        return pool.run(password);
    }

    /** Tasks completed so far, as the pool counts them. */
    long completed() {
        return pool.stats().completed();
    }

    @Override
    public void close() {
        pool.close();
    }
}

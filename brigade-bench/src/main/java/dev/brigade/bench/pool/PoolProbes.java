package dev.brigade.bench.pool;

import dev.brigade.worker.pool.PoolOptions;
import dev.brigade.worker.pool.WorkerPool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The measurements behind PoolSuite, each run the same way against Brigade's WorkerPool and a
 * bare ThreadPoolExecutor (the {@code tpe} peer): both return a CompletableFuture per task, and
 * callers wait by spinning on it, so neither side pays a caller wake-up the other does not.
 */
final class PoolProbes {
    /** Submits a task and returns its future: the one thing that differs between the contenders. */
    interface Runner extends AutoCloseable {
        CompletableFuture<Object> submit(Object task);

        @Override
        void close();
    }

    static Runner brigade(int threads, Function<Object, Object> task) {
        return brigade(threads, 1, task);
    }

    /** A WorkerPool with {@code perWorker} tasks held per worker (concurrentTasksPerWorker). */
    static Runner brigade(int threads, int perWorker, Function<Object, Object> task) {
        WorkerPool<Object, Object> pool = WorkerPool.create(PoolOptions.builder(task::apply).threads(threads)
                .concurrentTasksPerWorker(perWorker).build());
        return new Runner() {
            @Override public CompletableFuture<Object> submit(Object t) { return pool.run(t); }
            @Override public void close() { pool.destroy().join(); }
        };
    }

    static Runner tpe(int threads, Function<Object, Object> task) {
        ExecutorService ex = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        return new Runner() {
            @Override public CompletableFuture<Object> submit(Object t) { return CompletableFuture.supplyAsync(() -> task.apply(t), ex); }
            @Override public void close() { ex.shutdownNow(); }
        };
    }

    /** Trivial tasks per second with {@code window} in flight. */
    static double tasksPerSecond(Runner r, int n, int window) {
        AtomicLong done = new AtomicLong();
        long t0 = System.nanoTime();
        int issued = 0;
        while (done.get() < n) {
            if (issued < n && issued - done.get() < window) {
                Integer v = issued++;
                r.submit(v).whenComplete((x, e) -> done.incrementAndGet());
            } else {
                Thread.onSpinWait();
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** Median µs from submit to the caller seeing the result, one task at a time. */
    static double overheadMicros(Runner r, int n) {
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            CompletableFuture<Object> f = r.submit(i);
            while (!f.isDone()) {
                Thread.onSpinWait();
            }
            samples[i] = System.nanoTime() - t0;
        }
        long[] kept = java.util.Arrays.copyOfRange(samples, n / 5, n);   // warm-up dropped
        java.util.Arrays.sort(kept);
        return kept[kept.length / 2] / 1e3;
    }

    /** Wall time of {@code tasks} CPU tasks of {@code iterations} each. */
    static long cpuWallNanos(Runner r, int tasks, int iterations) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[tasks];
        long t0 = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            all[i] = r.submit(iterations);
        }
        CompletableFuture.allOf(all).join();
        return System.nanoTime() - t0;
    }

    /** The CPU task: xorshift, the same loop as the Piscina worker's. */
    static Object cpu(Object iterations) {
        int n = (Integer) iterations;
        int s = (int) 2463534242L;
        int acc = 0;
        for (int i = 0; i < n; i++) {
            s ^= s << 13;
            s ^= s >>> 17;
            s ^= s << 5;
            acc += s & 0xff;
        }
        return acc;
    }

    /** Iterations for about {@code millis} of CPU on one thread. */
    static int calibrate(double millis) {
        int it = 100_000;
        for (int round = 0; round < 30; round++) {
            long t0 = System.nanoTime();
            cpu(it);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (ms > 2 && round > 5) {
                return (int) Math.min(Integer.MAX_VALUE, Math.round(it * millis / ms));
            }
            if (ms <= 2) {
                it *= 2;
            }
        }
        return it;
    }
}

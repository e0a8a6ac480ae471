package dev.brigade.worker.pool;

import dev.brigade.worker.ErrorCode;
import dev.brigade.worker.WorkerException;
import dev.brigade.worker.WorkerOptions;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * Options of a {@link WorkerPool}, validated when built: each error
 * ({@link ErrorCode#ERR_INVALID_OPTION}) names the option, the value given and the valid range.
 *
 * <pre>{@code
 * PoolOptions o = PoolOptions.builder(Hasher.class).maxThreads(4).maxQueueAuto()
 *         .idleTimeout(Duration.ofSeconds(30)).workerOptions(WorkerOptions.builder().name("hash").build()).build();
 * }</pre>
 *
 * @param entry                    the {@link TaskHandler}: a class (one instance per worker) or an instance
 * @param minThreads               workers kept even when idle; default {@code max(1, cores/2)} (at most maxThreads)
 * @param maxThreads               most workers at once; default the number of cores
 * @param idleTimeout              how long a worker above minThreads stays idle before it retires; default 60 s
 * @param maxQueue                 most tasks waiting (not counting those workers hold); default unbounded
 *                                 ({@code Integer.MAX_VALUE}); {@code maxQueueAuto()} is maxThreads²
 * @param concurrentTasksPerWorker tasks a worker holds at once: one runs, the others wait in its
 *                                 inbox, or run asynchronously if tasks return a CompletionStage; default 1
 * @param taskQueue                makes the queue, given maxQueue; default {@link TaskQueue#fifo()}
 * @param workerOptions            passed to each worker thread; its name is the prefix of the
 *                                 workers' names ({@code name-1}, {@code name-2}...); default name "pool", daemon
 * @param cancelGrace              how long a cancelled running task may take to stop after its
 *                                 interrupt before its worker is retired and replaced; default 1 s
 * @param closeTimeout             how long {@link WorkerPool#close()} lets tasks finish; default 30 s
 */
public record PoolOptions(Object entry, int minThreads, int maxThreads, Duration idleTimeout, int maxQueue,
                          int concurrentTasksPerWorker, IntFunction<TaskQueue> taskQueue, WorkerOptions workerOptions,
                          Duration cancelGrace, Duration closeTimeout) {
    /** The most workers a pool may have. */
    public static final int MAX_THREADS = 4096;
    private static final Duration DAY = Duration.ofDays(1);

    public PoolOptions {
        checkEntry(entry);
        if (maxThreads < 1 || maxThreads > MAX_THREADS) {
            throw invalid("maxThreads", maxThreads, "between 1 and " + MAX_THREADS);
        }
        if (minThreads < 0 || minThreads > maxThreads) {
            throw invalid("minThreads", minThreads, "between 0 and maxThreads (" + maxThreads + ")");
        }
        checkDuration("idleTimeout", idleTimeout, Duration.ZERO);
        if (maxQueue < 0) {
            throw invalid("maxQueue", maxQueue, "between 0 and " + Integer.MAX_VALUE + " (or maxQueueAuto())");
        }
        if (concurrentTasksPerWorker < 1 || concurrentTasksPerWorker > 1024) {
            throw invalid("concurrentTasksPerWorker", concurrentTasksPerWorker, "between 1 and 1024");
        }
        if (taskQueue == null) {
            throw invalid("taskQueue", null, "a queue factory such as TaskQueue.fifo() or TaskQueue.fixed()");
        }
        if (workerOptions == null) {
            throw invalid("workerOptions", null, "WorkerOptions (the defaults if you have none)");
        }
        checkDuration("cancelGrace", cancelGrace, Duration.ofMillis(1));
        checkDuration("closeTimeout", closeTimeout, Duration.ZERO);
    }

    private static void checkEntry(Object entry) {
        if (entry instanceof TaskHandler<?, ?>) {
            return;
        }
        if (!(entry instanceof Class<?> c) || !TaskHandler.class.isAssignableFrom(c)) {
            throw invalid("entry", entry, "a TaskHandler class or instance");
        }
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || !Modifier.isPublic(c.getModifiers())) {
            throw invalid("entry", c.getName(), "a public, concrete TaskHandler class");
        }
        try {
            if (!Modifier.isPublic(c.getConstructor().getModifiers())) {
                throw new NoSuchMethodException();
            }
        } catch (NoSuchMethodException e) {
            throw invalid("entry", c.getName(), "a TaskHandler class with a public no-argument constructor");
        }
    }

    private static void checkDuration(String option, Duration d, Duration min) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(DAY) > 0) {
            throw invalid(option, d, "between " + (min.isZero() ? "0" : min.toMillis() + " ms") + " and 1 day");
        }
    }

    static WorkerException invalid(String option, Object value, String valid) {
        return new WorkerException(ErrorCode.ERR_INVALID_OPTION, "options." + option + " must be " + valid + ", got " + value);
    }

    /** Options for a pool whose workers each create an instance of {@code entry}. */
    public static Builder builder(Class<? extends TaskHandler<?, ?>> entry) {
        return new Builder(entry);
    }

    /** Options for a pool whose workers all call {@code handler} (a lambda, for threads). */
    public static Builder builder(TaskHandler<?, ?> handler) {
        return new Builder(handler);
    }

    /** Builds {@link PoolOptions}; {@link #build()} validates. */
    public static final class Builder {
        private final Object entry;
        private Integer minThreads;
        private int maxThreads = Runtime.getRuntime().availableProcessors();
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int maxQueue = Integer.MAX_VALUE;
        private boolean maxQueueAuto;
        private int concurrentTasksPerWorker = 1;
        private IntFunction<TaskQueue> taskQueue = TaskQueue.fifo();
        private WorkerOptions workerOptions = WorkerOptions.builder().name("pool").daemon(true).build();
        private Duration cancelGrace = Duration.ofSeconds(1);
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder(Object entry) {
            this.entry = entry;
        }

        public Builder minThreads(int v) { minThreads = v; return this; }
        public Builder maxThreads(int v) { maxThreads = v; return this; }
        /** minThreads and maxThreads both {@code n}: a fixed-size pool. */
        public Builder threads(int n) { minThreads = n; maxThreads = n; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder maxQueue(int v) { maxQueue = v; maxQueueAuto = false; return this; }
        /** maxQueue = maxThreads², Piscina's "auto". */
        public Builder maxQueueAuto() { maxQueueAuto = true; return this; }
        public Builder concurrentTasksPerWorker(int v) { concurrentTasksPerWorker = v; return this; }
        public Builder taskQueue(IntFunction<TaskQueue> v) { taskQueue = v; return this; }
        public Builder workerOptions(WorkerOptions v) { workerOptions = v; return this; }
        public Builder cancelGrace(Duration v) { cancelGrace = v; return this; }
        public Builder closeTimeout(Duration v) { closeTimeout = v; return this; }

        public PoolOptions build() {
            int min = minThreads != null ? minThreads : Math.max(0, Math.min(maxThreads,
                    Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
            int queue = maxQueueAuto ? (int) Math.min(Integer.MAX_VALUE, (long) maxThreads * maxThreads) : maxQueue;
            return new PoolOptions(entry, min, maxThreads, idleTimeout, queue, concurrentTasksPerWorker, taskQueue,
                    workerOptions, cancelGrace, closeTimeout);
        }
    }
}

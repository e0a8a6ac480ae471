package dev.brigade.worker.pool;

import dev.brigade.worker.ErrorCode;
import dev.brigade.worker.WorkerException;
import dev.brigade.worker.WorkerOptions;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

/**
 * Options of a {@link WorkerPool}, validated when built: each error
 * ({@link ErrorCode#ERR_INVALID_OPTION}) names the option, the value given and the valid range.
 *
 * <pre>{@code
 * PoolOptions<byte[], byte[]> o = PoolOptions.builder(Hasher.class).maxThreads(4).maxQueueAuto()
 *         .idleTimeout(Duration.ofSeconds(30)).workerOptions(WorkerOptions.builder().name("hash").build()).build();
 * }</pre>
 *
 * <p>The type parameters come from the handler: a pool built from these options takes tasks of
 * type {@code T} and completes their futures with an {@code R}, so a task or a result of the
 * wrong type is a compile error. A handler whose functions return a
 * {@link CompletionStage} is built with {@link #asyncBuilder(Class)}: its tasks complete when the
 * stage does, with the stage's value; with {@link #builder(Class)}, a returned stage is the result itself.
 *
 * @param <T>                      the tasks' type
 * @param <R>                      the results' type
 * @param entry                    the {@link TaskHandler}: a class (one instance per worker) or an instance
 * @param async                    whether the handler returns a {@link CompletionStage} per task,
 *                                 whose value is the task's result ({@link #asyncBuilder(Class)}); default false
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
public record PoolOptions<T, R>(Object entry, boolean async, int minThreads, int maxThreads, Duration idleTimeout, int maxQueue,
                          int concurrentTasksPerWorker, IntFunction<TaskQueue> taskQueue, WorkerOptions workerOptions,
                          Duration cancelGrace, Duration closeTimeout) {
    /** The most workers a pool may have. */
    public static final int MAX_THREADS = 4096;
    private static final Duration DAY = Duration.ofDays(1);

    /**
     * Validates every option.
     *
     * @throws WorkerException {@link ErrorCode#ERR_INVALID_OPTION} naming the option, the value and what is valid
     */
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

    /**
     * Options for a pool whose workers each create an instance of {@code entry}.
     *
     * @param entry a public {@link TaskHandler} class with a public no-argument constructor
     * @param <T>   the tasks' type, from the handler
     * @param <R>   the results' type, from the handler
     * @return a builder with every other option at its default
     */
    public static <T, R> Builder<T, R> builder(Class<? extends TaskHandler<T, R>> entry) {
        return new Builder<>(entry, false);
    }

    /**
     * Options for a pool whose workers all call {@code handler} (a lambda, shared by the workers).
     * Give the lambda's parameter a type, {@code (String s) -> ...}, or the task type is {@code Object}.
     *
     * @param handler the task function
     * @param <T>     the tasks' type
     * @param <R>     the results' type
     * @return a builder with every other option at its default
     */
    public static <T, R> Builder<T, R> builder(TaskHandler<T, R> handler) {
        return new Builder<>(handler, false);
    }

    /**
     * Options for a pool whose handler class returns a {@link CompletionStage} per task: the
     * task's future completes with the stage's value when the stage completes, and the task
     * counts against {@link #concurrentTasksPerWorker()} until then.
     *
     * @param entry a public {@link TaskHandler} class with a public no-argument constructor
     * @param <T>   the tasks' type
     * @param <R>   the type of the stages' values: the pool's result type
     * @return a builder with every other option at its default
     */
    public static <T, R> Builder<T, R> asyncBuilder(Class<? extends TaskHandler<T, ? extends CompletionStage<R>>> entry) {
        return new Builder<>(entry, true);
    }

    /**
     * Options for a pool whose lambda returns a {@link CompletionStage} per task (see
     * {@link #asyncBuilder(Class)}).
     *
     * @param handler the task function
     * @param <T>     the tasks' type
     * @param <R>     the type of the stages' values: the pool's result type
     * @return a builder with every other option at its default
     */
    public static <T, R> Builder<T, R> asyncBuilder(TaskHandler<T, ? extends CompletionStage<R>> handler) {
        return new Builder<>(handler, true);
    }

    /**
     * Builds {@link PoolOptions}; {@link #build()} validates.
     *
     * @param <T> the tasks' type
     * @param <R> the results' type
     */
    public static final class Builder<T, R> {
        private final Object entry;
        private final boolean async;
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

        private Builder(Object entry, boolean async) {
            this.entry = entry;
            this.async = async;
        }

        /**
         * Sets {@link PoolOptions#minThreads()}: workers kept even when idle.
         *
         * @param v between 0 and maxThreads; default {@code max(1, cores/2)}, at most maxThreads
         * @return this builder
         */
        public Builder<T, R> minThreads(int v) { minThreads = v; return this; }

        /**
         * Sets {@link PoolOptions#maxThreads()}: the most workers at once.
         *
         * @param v between 1 and {@link PoolOptions#MAX_THREADS}; default the number of cores
         * @return this builder
         */
        public Builder<T, R> maxThreads(int v) { maxThreads = v; return this; }

        /**
         * Sets minThreads and maxThreads both to {@code n}: a fixed-size pool.
         *
         * @param n between 1 and {@link PoolOptions#MAX_THREADS}
         * @return this builder
         */
        public Builder<T, R> threads(int n) { minThreads = n; maxThreads = n; return this; }

        /**
         * Sets {@link PoolOptions#idleTimeout()}: how long a worker above minThreads stays idle before it retires.
         *
         * @param v between 0 and 1 day; default 60 s
         * @return this builder
         */
        public Builder<T, R> idleTimeout(Duration v) { idleTimeout = v; return this; }

        /**
         * Sets {@link PoolOptions#maxQueue()}: the most tasks waiting, beyond which {@code run}
         * fails with {@link PoolErrorCode#ERR_QUEUE_FULL}. Replaces {@link #maxQueueAuto()}.
         *
         * @param v 0 or more; default unbounded ({@code Integer.MAX_VALUE})
         * @return this builder
         */
        public Builder<T, R> maxQueue(int v) { maxQueue = v; maxQueueAuto = false; return this; }

        /**
         * Sets maxQueue to maxThreads², Piscina's "auto". Replaces {@link #maxQueue(int)}.
         *
         * @return this builder
         */
        public Builder<T, R> maxQueueAuto() { maxQueueAuto = true; return this; }

        /**
         * Sets {@link PoolOptions#concurrentTasksPerWorker()}: tasks a worker holds at once.
         *
         * @param v between 1 and 1024; default 1
         * @return this builder
         */
        public Builder<T, R> concurrentTasksPerWorker(int v) { concurrentTasksPerWorker = v; return this; }

        /**
         * Sets {@link PoolOptions#taskQueue()}: what makes the queue, given maxQueue.
         *
         * @param v a factory such as {@link TaskQueue#fifo()} (the default) or {@link TaskQueue#fixed()}
         * @return this builder
         */
        public Builder<T, R> taskQueue(IntFunction<TaskQueue> v) { taskQueue = v; return this; }

        /**
         * Sets {@link PoolOptions#workerOptions()}: the options each worker thread starts with;
         * their name is the prefix of the workers' names.
         *
         * @param v the worker options; default name "pool", daemon (the pool does not keep the JVM alive)
         * @return this builder
         */
        public Builder<T, R> workerOptions(WorkerOptions v) { workerOptions = v; return this; }

        /**
         * Sets {@link PoolOptions#cancelGrace()}: how long a cancelled running task may take to
         * stop before its worker is replaced.
         *
         * @param v between 1 ms and 1 day; default 1 s
         * @return this builder
         */
        public Builder<T, R> cancelGrace(Duration v) { cancelGrace = v; return this; }

        /**
         * Sets {@link PoolOptions#closeTimeout()}: how long {@link WorkerPool#close()} lets tasks finish.
         *
         * @param v between 0 and 1 day; default 30 s
         * @return this builder
         */
        public Builder<T, R> closeTimeout(Duration v) { closeTimeout = v; return this; }

        /**
         * Validates and builds the options.
         *
         * @return the options
         * @throws WorkerException {@link ErrorCode#ERR_INVALID_OPTION} naming the option, the value and what is valid
         */
        public PoolOptions<T, R> build() {
            int min = minThreads != null ? minThreads : Math.max(0, Math.min(maxThreads,
                    Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
            int queue = maxQueueAuto ? (int) Math.min(Integer.MAX_VALUE, (long) maxThreads * maxThreads) : maxQueue;
            return new PoolOptions<>(entry, async, min, maxThreads, idleTimeout, queue, concurrentTasksPerWorker, taskQueue,
                    workerOptions, cancelGrace, closeTimeout);
        }
    }
}

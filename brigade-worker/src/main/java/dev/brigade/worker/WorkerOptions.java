package dev.brigade.worker;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Options for starting a {@link Worker}, validated when built: each error names the option, the
 * value given and the valid range.
 *
 * <pre>{@code
 * WorkerOptions o = WorkerOptions.builder().name("hasher").workerData(config)
 *         .stdout(line -> log.info(line)).terminateGrace(Duration.ofSeconds(2)).build();
 * }</pre>
 *
 * @param name           thread and log name; default {@code "worker"}
 * @param workerData     any value handed to the worker as {@link WorkerContext#workerData()} (by reference)
 * @param stdout         receives each line the worker prints on {@link WorkerContext#stdout()},
 *                       on the parent's event loop; null passes the lines to {@code System.out}
 * @param stderr         the same for {@link WorkerContext#stderr()}; null means {@code System.err}
 * @param uncaught       what a handler's uncaught exception does; default {@link UncaughtPolicy#EXIT}
 * @param terminateGrace how long {@code terminate()} waits for the thread to stop before reporting
 *                       it stuck; default 1 s
 * @param daemon         true starts the worker unref'd ({@link Worker#unref()}): it does not keep
 *                       its parent's event loop, nor the JVM, alive; default false (a started worker
 *                       keeps the JVM alive until its {@code exit} event has been delivered, as in Node)
 * @param stackSize      thread stack size in bytes; 0 (default) lets the JVM choose
 */
public record WorkerOptions(String name, Object workerData, Consumer<String> stdout, Consumer<String> stderr,
                            UncaughtPolicy uncaught, Duration terminateGrace, boolean daemon, long stackSize) {
    private static final Duration MAX_GRACE = Duration.ofHours(1);
    private static final WorkerOptions DEFAULTS = builder().build();

    /**
     * Validates every option.
     *
     * @throws WorkerException {@link ErrorCode#ERR_INVALID_OPTION} naming the option, the value and what is valid
     */
    public WorkerOptions {
        if (name == null || name.isBlank()) {
            throw invalid("name", name == null ? "null" : '"' + name + '"', "a non-blank string");
        }
        if (uncaught == null) {
            throw invalid("uncaught", "null", "EXIT or REPORT");
        }
        if (terminateGrace == null || terminateGrace.toMillis() < 1 || terminateGrace.compareTo(MAX_GRACE) > 0) {
            throw invalid("terminateGrace", String.valueOf(terminateGrace), "between 1 ms and 1 h");
        }
        if (stackSize != 0 && (stackSize < 64 * 1024 || stackSize > 1L << 30)) {
            throw invalid("stackSize", String.valueOf(stackSize), "0 (JVM default) or between 65536 and 1073741824 bytes");
        }
    }

    /**
     * The defaults: see each component.
     *
     * @return the default options
     */
    public static WorkerOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder with every option at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these options.
     *
     * @return a builder starting from these options
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.workerData = workerData;
        b.stdout = stdout;
        b.stderr = stderr;
        b.uncaught = uncaught;
        b.terminateGrace = terminateGrace;
        b.daemon = daemon;
        b.stackSize = stackSize;
        return b;
    }

    static WorkerException invalid(String option, String value, String valid) {
        return new WorkerException(ErrorCode.ERR_INVALID_OPTION,
                "options." + option + " must be " + valid + ", got " + value);
    }

    /** Builds {@link WorkerOptions}; {@link #build()} validates. */
    public static final class Builder {
        private String name = "worker";
        private Object workerData;
        private Consumer<String> stdout;
        private Consumer<String> stderr;
        private UncaughtPolicy uncaught = UncaughtPolicy.EXIT;
        private Duration terminateGrace = Duration.ofSeconds(1);
        private boolean daemon;
        private long stackSize;

        private Builder() {
        }

        /**
         * Sets {@link WorkerOptions#name()}: the thread's and the logs' name.
         *
         * @param v a non-blank string; default {@code "worker"}
         * @return this builder
         */
        public Builder name(String v) { name = v; return this; }

        /**
         * Sets {@link WorkerOptions#workerData()}: a value the worker reads with {@link WorkerContext#workerData()}.
         *
         * @param v any value, passed by reference; default null
         * @return this builder
         */
        public Builder workerData(Object v) { workerData = v; return this; }

        /**
         * Sets {@link WorkerOptions#stdout()}: where the lines the worker prints on its stdout go.
         *
         * @param v called with each line on the parent's event loop; null (default) for {@code System.out}
         * @return this builder
         */
        public Builder stdout(Consumer<String> v) { stdout = v; return this; }

        /**
         * Sets {@link WorkerOptions#stderr()}: where the lines the worker prints on its stderr go.
         *
         * @param v called with each line on the parent's event loop; null (default) for {@code System.err}
         * @return this builder
         */
        public Builder stderr(Consumer<String> v) { stderr = v; return this; }

        /**
         * Sets {@link WorkerOptions#uncaught()}: what a handler's uncaught exception does.
         *
         * @param v {@link UncaughtPolicy#EXIT} (default) or {@link UncaughtPolicy#REPORT}
         * @return this builder
         */
        public Builder uncaught(UncaughtPolicy v) { uncaught = v; return this; }

        /**
         * Sets {@link WorkerOptions#terminateGrace()}: how long {@code terminate()} waits before
         * reporting the thread stuck.
         *
         * @param v between 1 ms and 1 h; default 1 s
         * @return this builder
         */
        public Builder terminateGrace(Duration v) { terminateGrace = v; return this; }

        /**
         * Sets {@link WorkerOptions#daemon()}: true starts the worker unref'd, so it does not keep the JVM alive.
         *
         * @param v default false
         * @return this builder
         */
        public Builder daemon(boolean v) { daemon = v; return this; }

        /**
         * Sets {@link WorkerOptions#stackSize()}: the worker thread's stack size.
         *
         * @param v 0 (default: the JVM's) or between 65536 and 1073741824 bytes
         * @return this builder
         */
        public Builder stackSize(long v) { stackSize = v; return this; }

        /**
         * Validates and builds the options.
         *
         * @return the options
         * @throws WorkerException {@link ErrorCode#ERR_INVALID_OPTION} naming the option, the value and what is valid
         */
        public WorkerOptions build() {
            return new WorkerOptions(name, workerData, stdout, stderr, uncaught, terminateGrace, daemon, stackSize);
        }
    }
}

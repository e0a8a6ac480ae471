package dev.brigade.worker.pool;

import dev.brigade.worker.ErrorCode;
import dev.brigade.worker.WorkerException;
import java.time.Duration;
import java.util.List;

/**
 * Options for one {@link WorkerPool#run(Object, RunOptions)} call.
 *
 * @param name         the task function to call ({@link TaskHandler#functions()}); null calls {@link TaskHandler#run}
 * @param transferList ByteBuffers to move to the worker (the caller's copies are detached) and
 *                     MessagePorts to hand over, with the rules of {@code MessagePort.postMessage};
 *                     empty by default (values pass by reference)
 * @param timeout      fails the task with {@link PoolErrorCode#ERR_TASK_TIMEOUT} if it has not
 *                     finished this long after {@code run} (queued time included), and stops it
 *                     like a cancellation; null (default) for none
 * @param signal       cancels the task when aborted; may be shared by many tasks; null for none
 */
public record RunOptions(String name, List<?> transferList, Duration timeout, AbortSignal signal) {
    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    private static final RunOptions DEFAULTS = new RunOptions(null, List.of(), null, null);

    /**
     * Validates every option.
     *
     * @throws WorkerException {@link ErrorCode#ERR_INVALID_OPTION} naming the option, the value and what is valid
     */
    public RunOptions {
        if (name != null && name.isBlank()) {
            throw invalid("name", '"' + name + '"', "null (the default function) or a non-blank function name");
        }
        if (transferList == null) {
            throw invalid("transferList", "null", "a list (empty for none)");
        }
        transferList = List.copyOf(transferList);
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
            throw invalid("timeout", String.valueOf(timeout), "null (none) or between 1 ns and 1 day");
        }
    }

    /**
     * No name, no transfer, no timeout, no signal.
     *
     * @return the default options
     */
    public static RunOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Calls the task function {@code name}.
     *
     * @param name a key of the handler's {@link TaskHandler#functions()}
     * @return options with that name and nothing else
     */
    public static RunOptions named(String name) {
        return new RunOptions(name, List.of(), null, null);
    }

    /**
     * Moves {@code items} to the worker with the task (Piscina's {@code Piscina.move}):
     * {@code pool.run(buf, RunOptions.transfer(buf))}.
     *
     * @param items ByteBuffers and MessagePorts reachable from the task
     * @return options with that transfer list and nothing else
     */
    public static RunOptions transfer(Object... items) {
        return new RunOptions(null, List.of(items), null, null);
    }

    /**
     * A builder for options that combine a name, a transfer list, a timeout and a signal.
     *
     * @return a builder with every option at its default
     */
    public static Builder builder() {
        return new Builder();
    }

    static WorkerException invalid(String option, String value, String valid) {
        return new WorkerException(ErrorCode.ERR_INVALID_OPTION, "runOptions." + option + " must be " + valid + ", got " + value);
    }

    /** Builds {@link RunOptions}; {@link #build()} validates. */
    public static final class Builder {
        private String name;
        private List<?> transferList = List.of();
        private Duration timeout;
        private AbortSignal signal;

        private Builder() {
        }

        /**
         * Sets {@link RunOptions#name()}: the task function to call.
         *
         * @param v a key of {@link TaskHandler#functions()}; null (default) for {@link TaskHandler#run}
         * @return this builder
         */
        public Builder name(String v) { name = v; return this; }

        /**
         * Sets {@link RunOptions#transferList()}: what moves to the worker with the task.
         *
         * @param v ByteBuffers and MessagePorts reachable from the task; default empty
         * @return this builder
         */
        public Builder transferList(List<?> v) { transferList = v; return this; }

        /**
         * Sets {@link RunOptions#timeout()}: the task fails with {@link PoolErrorCode#ERR_TASK_TIMEOUT} after it.
         *
         * @param v between 1 ns and 1 day, counted from {@code run}; null (default) for none
         * @return this builder
         */
        public Builder timeout(Duration v) { timeout = v; return this; }

        /**
         * Sets {@link RunOptions#signal()}: cancels the task when aborted.
         *
         * @param v a signal from an {@link AbortController}; null (default) for none
         * @return this builder
         */
        public Builder signal(AbortSignal v) { signal = v; return this; }

        /**
         * Validates and builds the options.
         *
         * @return the options
         * @throws WorkerException {@link ErrorCode#ERR_INVALID_OPTION} naming the option, the value and what is valid
         */
        public RunOptions build() {
            return new RunOptions(name, transferList, timeout, signal);
        }
    }
}

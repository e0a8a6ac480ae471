package dev.brigade.worker.pool;

/**
 * Node's {@code AbortController}: whoever holds it can {@link #abort} its {@link #signal()}, and
 * every task run with that signal is cancelled (see {@link AbortSignal}).
 *
 * <pre>{@code
 * AbortController ac = new AbortController();
 * var a = pool.run(x, RunOptions.builder().signal(ac.signal()).build());
 * var b = pool.run(y, RunOptions.builder().signal(ac.signal()).build());
 * ac.abort("user went away");   // a and b fail with ERR_TASK_ABORTED
 * }</pre>
 */
public final class AbortController {
    private final AbortSignal signal = new AbortSignal();

    /** A controller whose signal is not aborted yet. */
    public AbortController() {
    }

    /**
     * The signal to hand to tasks.
     *
     * @return the signal to hand to tasks
     */
    public AbortSignal signal() {
        return signal;
    }

    /** Aborts with the reason "aborted". Idempotent. */
    public void abort() {
        abort("aborted");
    }

    /**
     * Aborts with {@code reason}; listeners run on this thread. Idempotent: only the first reason counts.
     *
     * @param reason why, given to the listeners and to the tasks' errors
     */
    public void abort(Object reason) {
        signal.abort(reason);
    }
}

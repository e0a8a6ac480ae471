package dev.brigade.worker.pool;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The observing side of an {@link AbortController}: Node's {@code AbortSignal}. One signal can be
 * given to many tasks ({@link RunOptions#signal()}); aborting it cancels all of them that have not
 * finished: queued ones are removed, running ones are interrupted. A task run with a signal that
 * is already aborted fails at once with {@link PoolErrorCode#ERR_TASK_ABORTED}.
 */
public final class AbortSignal {
    private final Set<Runnable> listeners = new LinkedHashSet<>();   // guarded by this
    private volatile boolean aborted;
    private volatile Object reason;

    AbortSignal() {
    }

    /**
     * True once {@link AbortController#abort} was called.
     *
     * @return true once {@link AbortController#abort} was called
     */
    public boolean aborted() {
        return aborted;
    }

    /**
     * What was given to {@link AbortController#abort(Object)}; null before.
     *
     * @return what was given to {@link AbortController#abort(Object)}; null before
     */
    public Object reason() {
        return reason;
    }

    /**
     * Runs {@code listener} once when the signal is aborted (at once, on this thread, if it already
     * is). Returns a handle that removes the listener in O(1), so a long-lived signal shared by
     * many tasks does not keep finished tasks alive.
     *
     * @param listener runs once, on the thread that aborts (or this one)
     * @return a handle that removes the listener
     */
    public Runnable onAbort(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            if (!aborted) {
                listeners.add(listener);
                return () -> {
                    synchronized (this) {
                        listeners.remove(listener);
                    }
                };
            }
        }
        listener.run();
        return () -> { };
    }

    void abort(Object why) {
        List<Runnable> toRun;
        synchronized (this) {
            if (aborted) {
                return;
            }
            reason = why;
            aborted = true;
            toRun = new ArrayList<>(listeners);
            listeners.clear();
        }
        for (Runnable r : toRun) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return aborted ? "AbortSignal[aborted: " + reason + "]" : "AbortSignal[not aborted]";
    }
}

package dev.brigade.store.internal;

import dev.brigade.store.StoreException;
import dev.brigade.store.StoreException.Code;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs every call of one store: refuses calls after close, bounds each call by the timeout (a
 * call never hangs, whatever the backend does), and turns every failure into a
 * {@link StoreException} whose message starts with the call and the place, e.g.
 * {@code increment("hits") on redis://127.0.0.1:6379: ...}. The call's name is built only on
 * failure, so the fast path allocates nothing for it.
 *
 * <p>Calls that complete at once (the in-process backend) never touch the timer. The timer is
 * one daemon thread that dies when idle, so an idle store holds no thread.
 */
public final class Calls implements AutoCloseable {
    private final String where;
    private final long timeoutMillis;
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean closed;

    public Calls(String where, Duration timeout) {
        this.where = where;
        this.timeoutMillis = timeout.toMillis();
        this.timer = new ScheduledThreadPoolExecutor(1, Threads.daemon("brigade-store-timeouts"));
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code op} for the call {@code name(key)} and bounds it by the timeout. Anything
     * {@code op} throws (validation, codec, size limit) fails the returned future instead.
     */
    public <T> CompletableFuture<T> run(String name, String key, Supplier<CompletableFuture<T>> op) {
        if (closed) {
            return CompletableFuture.failedFuture(fail(name, key, new StoreException(Code.CLOSED, "the store is closed")));
        }
        CompletableFuture<T> f;
        try {
            f = op.get();
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(fail(name, key, t));
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        if (f.isDone()) {
            complete(out, f, name, key);
            return out;
        }
        ScheduledFuture<?> timeout = timer.schedule(() -> out.completeExceptionally(fail(name, key, closed
                ? new StoreException(Code.CLOSED, "the store was closed before an answer came")
                : new StoreException(Code.TIMEOUT, "no answer within " + timeoutMillis
                        + " ms (StoreOptions.timeout); the outcome of a write is unknown"))),
                timeoutMillis, TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> {
            timeout.cancel(false);
            complete(out, f, name, key);
        });
        return out;
    }

    /** The translated failure of a call, for failures met outside {@link #run} (deliveries). */
    public StoreException fail(String name, String key, Throwable t) {
        Throwable cause = unwrap(t);
        String call = name + "(" + (key == null ? "" : quote(key)) + ") on " + where + ": ";
        if (cause instanceof StoreException se) {
            return new StoreException(se.code(), call + se.getMessage(), se.getCause() == null ? se : se.getCause());
        }
        if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
            return new StoreException(Code.INVALID_ARGUMENT, call + cause.getMessage(), cause);
        }
        return new StoreException(Code.BACKEND, call + cause, cause);
    }

    /** Fails later calls with {@link Code#CLOSED} and stops the timer; pending calls fail at once. */
    @Override
    public void close() {
        closed = true;
        for (Runnable r : timer.shutdownNow()) {
            r.run(); // pending timeouts fire now: nothing waits for a timer that no longer runs
        }
    }

    public boolean isClosed() {
        return closed;
    }

    private <T> void complete(CompletableFuture<T> out, CompletableFuture<T> f, String name, String key) {
        try {
            out.complete(f.join());
        } catch (Throwable t) {
            out.completeExceptionally(fail(name, key, t));
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String quote(String key) {
        String k = key.length() > 80 ? key.substring(0, 80) + "...(" + key.length() + " chars)" : key;
        return '"' + k + '"';
    }
}

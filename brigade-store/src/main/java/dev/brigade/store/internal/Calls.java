package dev.brigade.store.internal;

import dev.brigade.store.StoreException;
import dev.brigade.store.StoreException.Code;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * <p>Timeouts are swept, not scheduled one by one: a call that does not complete at once joins
 * a queue, and a tick every {@value #TICK_MILLIS} ms (running only while calls are pending)
 * fails those past their deadline and forgets the answered ones. A timer task per call would
 * wake the timer thread on every call of a serial caller (the task becomes the head of an empty
 * queue), a context switch per call on a busy 2-core machine. A call may thus time out up to
 * one tick late. Calls that complete at once (the in-process backend) never touch the queue.
 * The tick runs on one daemon thread that dies when idle, so an idle store holds no thread.
 */
public final class Calls implements AutoCloseable {
    private final String where;
    private final long timeoutMillis;
    static final long TICK_MILLIS = 10;

    private final ScheduledThreadPoolExecutor timer;
    /** Calls waiting for an answer, with their deadlines. */
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private volatile ScheduledFuture<?> ticking; // changed under the lock of pending
    private volatile boolean closed;

    private record Pending(CompletableFuture<?> out, long deadline, String name, String key) {
    }

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
        pending.add(new Pending(out, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), name, key));
        if (ticking == null) { // read after the add: see tick(false)
            tick(true);
        }
        f.whenComplete((v, e) -> complete(out, f, name, key));
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

    /** Starts the tick if calls are pending and it is not running (or, from the tick itself, stops it if none are). */
    private void tick(boolean starting) {
        synchronized (pending) {
            if (starting) {
                if (ticking == null && !timer.isShutdown()) {
                    ticking = timer.scheduleWithFixedDelay(this::sweep, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
                }
            } else if (pending.isEmpty() && ticking != null) {
                ScheduledFuture<?> t = ticking;
                ticking = null; // written before the second look: a call added since either sees null or is seen here
                if (pending.isEmpty()) {
                    t.cancel(false);
                } else {
                    ticking = t;
                }
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (var it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.out.isDone()) {
                it.remove();
            } else if (now - p.deadline >= 0) {
                it.remove();
                p.out.completeExceptionally(fail(p.name, p.key, new StoreException(Code.TIMEOUT, "no answer within "
                        + timeoutMillis + " ms (StoreOptions.timeout); the outcome of a write is unknown")));
            }
        }
        tick(false); // a call added meanwhile restarts it (tick(true) runs after its add)
    }

    /** Fails later calls with {@link Code#CLOSED} and stops the timer; pending calls fail at once. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        for (Pending p; (p = pending.poll()) != null; ) {
            p.out.completeExceptionally(fail(p.name, p.key, new StoreException(Code.CLOSED,
                    "the store was closed before an answer came")));
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

package dev.brigade.worker.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Producers waiting for the queue to empty ({@link WorkerPool#drain()}). */
final class Drain {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final Dispatcher pool;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> waiters = new ConcurrentLinkedQueue<>();
    private volatile boolean wanted;

    Drain(Dispatcher pool) {
        this.pool = pool;
    }

    CompletableFuture<Void> await() {
        if (pool.queued.get() == 0) {
            return DONE.copy();
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.add(f);
        wanted = true;
        if (pool.queued.get() == 0) {         // emptied while we registered
            signal();
        }
        return f;
    }

    /**
     * A task left the queue: signals if someone waits and the queue is now empty. Cheap when
     * nobody waits: one volatile read. (Dekker with {@link #await}: the caller counted the task
     * out, an atomic update, before reading {@code wanted}; {@code await} writes {@code wanted}
     * before reading the depth.)
     */
    void maybeSignal() {
        if (wanted && pool.queued.get() == 0) {
            signal();
        }
    }

    /** The queue is empty (or the pool stopped): completes the waiters. */
    void signal() {
        if (!wanted) {
            return;
        }
        wanted = false;
        CompletableFuture<Void> f;
        while ((f = waiters.poll()) != null) {
            f.complete(null);
        }
    }
}

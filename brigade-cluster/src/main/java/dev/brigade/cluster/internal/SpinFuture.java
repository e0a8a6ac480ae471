package dev.brigade.cluster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A future whose blocking getters may wait actively for up to {@link Spin#NANOS} (given a spin permit),
 * reading the IPC channel themselves ({@link IpcChannel#awaitReply}), before they park: an IPC reply usually comes back within that window, and then the waiting thread
 * sees it without being woken (a parked thread on an idle vCPU costs ~25 µs to wake). Futures
 * derived from it ({@code thenApply} and the like) are SpinFutures too.
 */
final class SpinFuture<T> extends CompletableFuture<T> {
    /**
     * Off by default ({@code -Dbrigade.ipc.spinOnGet=true}): measured on 2 loaded vCPUs, a caller
     * spinning for a reply took the core the reading thread needed, and round trips got slower.
     */
    static final boolean SPIN = Boolean.getBoolean("brigade.ipc.spinOnGet");

    /**
     * On by default ({@code -Dbrigade.ipc.callerReads=false} turns it off): a caller blocked on a reply
     * reads the channel itself for up to {@link Spin#NANOS} ({@link IpcChannel#awaitReply}) instead of
     * being woken by the reader thread, which does not spin meanwhile.
     */
    static final boolean CALLER_READS = !"false".equals(System.getProperty("brigade.ipc.callerReads"));

    /** Waits for this future for a while on the caller's thread (reading its channel), or null. */
    private final java.util.function.Consumer<java.util.concurrent.Future<?>> helper;

    SpinFuture() {
        this(null);
    }

    SpinFuture(java.util.function.Consumer<java.util.concurrent.Future<?>> helper) {
        this.helper = helper;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new SpinFuture<>(helper);
    }

    private void spin() {
        if (helper != null && CALLER_READS) {
            if (!isDone()) {
                helper.accept(this);
            }
            return;
        }
        if (SPIN && !isDone() && Spin.tryAcquire()) {
            try {
                long deadline = System.nanoTime() + Spin.NANOS;
                while (!isDone() && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            } finally {
                Spin.release();
            }
        }
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        spin();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        spin();
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        spin();
        return super.join();
    }
}

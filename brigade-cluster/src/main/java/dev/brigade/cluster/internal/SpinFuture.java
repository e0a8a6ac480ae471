package dev.brigade.cluster.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A future whose blocking getters may spin for up to {@link Spin#NANOS} (given a spin permit) before
 * they park: an IPC reply usually comes back within that window, and then the waiting thread
 * sees it without being woken (a parked thread on an idle vCPU costs ~25 µs to wake). Futures
 * derived from it ({@code thenApply} and the like) are SpinFutures too.
 */
final class SpinFuture<T> extends CompletableFuture<T> {
    /**
     * Off by default ({@code -Dbrigade.ipc.spinOnGet=true}): measured on 2 loaded vCPUs, a caller
     * spinning for a reply took the core the reading thread needed, and round trips got slower.
     */
    static final boolean SPIN = Boolean.getBoolean("brigade.ipc.spinOnGet");

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new SpinFuture<>();
    }

    private void spin() {
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

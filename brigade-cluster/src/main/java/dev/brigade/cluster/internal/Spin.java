package dev.brigade.cluster.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The spin budget of this process (DESIGN.md decision 6). On these VMs an idle vCPU halts and
 * needs ~25 µs to wake, so a reader that blocks as soon as its socket is empty pays two wake-ups
 * per round trip; one that polls the socket for a few tens of microseconds first does not. But a
 * spinner holds a core: at most {@link #PERMITS} threads of this process spin at once (the cores
 * minus one, at least one), and each spins for at most {@link #NANOS}, then blocks.
 *
 * <p>Tunable with {@code -Dbrigade.ipc.spinMicros=N} (0 turns spinning off; default 50) and
 * {@code -Dbrigade.ipc.spinners=N}.
 */
final class Spin {
    static final long NANOS = Long.getLong("brigade.ipc.spinMicros", 50) * 1000;
    static final int PERMITS = Integer.getInteger("brigade.ipc.spinners",
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    private static final AtomicInteger AVAILABLE = new AtomicInteger(PERMITS);

    private Spin() {
    }

    /** Takes a spin permit if one is free; whoever gets one must {@link #release()} it. */
    static boolean tryAcquire() {
        if (NANOS <= 0) {
            return false;
        }
        while (true) {
            int n = AVAILABLE.get();
            if (n <= 0) {
                return false;
            }
            if (AVAILABLE.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }

    static void release() {
        AVAILABLE.incrementAndGet();
    }
}

package dev.brigade.worker.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Bounded spinning before a thread parks.
 *
 * <p>Why: on the VMs Brigade targets an idle vCPU halts, and waking a parked thread costs about
 * 25 µs; a blocking hand-off pays that twice. Spinning for a short window first (50 µs by
 * default) turns most hand-offs into sub-microsecond ones. Spinning burns a core, so the number
 * of threads spinning at once is capped by a process-wide budget (by default the number of
 * available processors): a thread that cannot take a slot parks at once.
 *
 * <p>Tunable with system properties {@code brigade.spinMicros} (0 disables spinning) and
 * {@code brigade.spinners}. The budget is process-wide on purpose: it models the machine's cores,
 * which are shared by every pool, loop and waiter in the process.
 */
public final class Spin {
    /** Spin window in nanoseconds. */
    public static final long WINDOW_NANOS = Long.getLong("brigade.spinMicros", 50L) * 1_000L;
    private static final int MAX_SPINNERS =
            Integer.getInteger("brigade.spinners", Runtime.getRuntime().availableProcessors());
    private static final AtomicInteger SPINNING = new AtomicInteger();

    private Spin() {
    }

    /**
     * Spins until {@code done} answers true, the window passes, or no spin slot is free.
     *
     * @return true if {@code done} became true while spinning
     * @param done the condition to wait for
     */
    public static boolean spinUntil(BooleanSupplier done) {
        if (WINDOW_NANOS <= 0 || !tryAcquire()) {
            return done.getAsBoolean();
        }
        try {
            long end = System.nanoTime() + WINDOW_NANOS;
            int i = 0;
            while (!done.getAsBoolean()) {
                // nanoTime costs ~20 ns: look at the clock every 64 rounds only
                if ((++i & 63) == 0 && System.nanoTime() - end > 0) {
                    return false;
                }
                Thread.onSpinWait();
            }
            return true;
        } finally {
            SPINNING.decrementAndGet();
        }
    }

    private static boolean tryAcquire() {
        for (;;) {
            int n = SPINNING.get();
            if (n >= MAX_SPINNERS) {
                return false;
            }
            if (SPINNING.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}

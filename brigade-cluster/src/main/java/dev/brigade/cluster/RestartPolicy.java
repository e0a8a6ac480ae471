package dev.brigade.cluster;

import java.time.Duration;

/**
 * When a crashed worker is replaced. The first crash of a slot is restarted at once; each
 * further crash in a row waits {@code backoffBase × 2^(n-2)}, capped at {@code backoffMax}; a
 * worker that ran for {@code stableAfter} resets the count. More than {@code maxRestarts}
 * restarts of one slot within {@code window} is a crash loop: the slot becomes
 * {@link WorkerState#ERRORED} and is not restarted. A worker that never came online (boot
 * failure) is never restarted blindly.
 *
 * @param enabled     whether crashed workers are restarted at all
 * @param backoffBase delay before the second restart in a row
 * @param backoffMax  upper bound of the delay
 * @param stableAfter uptime after which a worker is considered healthy (resets the backoff)
 * @param maxRestarts restarts allowed per slot within {@code window}
 * @param window      the crash-loop window
 */
public record RestartPolicy(boolean enabled, Duration backoffBase, Duration backoffMax, Duration stableAfter,
                            int maxRestarts, Duration window) {
    public RestartPolicy {
        positive("restart.backoffBase", backoffBase);
        positive("restart.backoffMax", backoffMax);
        positive("restart.stableAfter", stableAfter);
        positive("restart.window", window);
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("restart.backoffMax (" + backoffMax.toMillis()
                    + " ms) must be >= restart.backoffBase (" + backoffBase.toMillis() + " ms)");
        }
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("restart.maxRestarts must be >= 0, got " + maxRestarts);
        }
    }

    /** 100 ms base, 10 s max, stable after 30 s, at most 10 restarts per minute. */
    public static RestartPolicy defaults() {
        return new RestartPolicy(true, Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(30), 10,
                Duration.ofMinutes(1));
    }

    /** Never restart. */
    public static RestartPolicy never() {
        return defaults().withEnabled(false);
    }

    public RestartPolicy withEnabled(boolean on) {
        return new RestartPolicy(on, backoffBase, backoffMax, stableAfter, maxRestarts, window);
    }

    public RestartPolicy withBackoff(Duration base, Duration max) {
        return new RestartPolicy(enabled, base, max, stableAfter, maxRestarts, window);
    }

    public RestartPolicy withCrashLoop(int maxRestarts, Duration window) {
        return new RestartPolicy(enabled, backoffBase, backoffMax, stableAfter, maxRestarts, window);
    }

    public RestartPolicy withStableAfter(Duration stable) {
        return new RestartPolicy(enabled, backoffBase, backoffMax, stable, maxRestarts, window);
    }

    static void positive(String option, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(option + " must be a positive duration, got " + d);
        }
    }
}

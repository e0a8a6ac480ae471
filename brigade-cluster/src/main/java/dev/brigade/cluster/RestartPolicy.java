package dev.brigade.cluster;

import java.time.Duration;

/**
 * When a worker that ended is replaced. The first crash of a slot is restarted at once; each
 * further crash in a row waits {@code backoffBase × 2^(n-2)}, capped at {@code backoffMax}; a
 * worker that ran for {@code stableAfter} resets the count. More than {@code maxRestarts}
 * restarts of one slot within {@code window} is a crash loop: the slot becomes
 * {@link WorkerState#ERRORED} and is not restarted. A worker that never came online (boot
 * failure) is never restarted blindly. A worker that exits with code 0 by itself has finished
 * its work, as a Node worker has: it is not restarted unless {@code restartCleanExits} says so
 * (PM2's habit, which the {@code brigade} manager keeps).
 *
 * @param enabled           whether crashed workers are restarted at all
 * @param backoffBase       delay before the second restart in a row
 * @param backoffMax        upper bound of the delay
 * @param stableAfter       uptime after which a worker is considered healthy (resets the backoff)
 * @param maxRestarts       restarts allowed per slot within {@code window}
 * @param window            the crash-loop window
 * @param restartCleanExits whether a worker that exits with code 0 by itself is restarted too
 */
public record RestartPolicy(boolean enabled, Duration backoffBase, Duration backoffMax, Duration stableAfter,
                            int maxRestarts, Duration window, boolean restartCleanExits) {
    /** Validates every component; {@link IllegalArgumentException} names the wrong one. */
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

    /**
     * Restarts crashes: 100 ms base, 10 s max, stable after 30 s, at most 10 restarts per minute;
     * a worker that exits with code 0 by itself is done, not restarted.
     *
     * @return the default policy
     */
    public static RestartPolicy defaults() {
        return new RestartPolicy(true, Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(30), 10,
                Duration.ofMinutes(1), false);
    }

    /**
     * Never restart.
     *
     * @return a policy that restarts nothing
     */
    public static RestartPolicy never() {
        return defaults().withEnabled(false);
    }

    /**
     * This policy, restarting ended workers ({@code true}) or none ({@code false}).
     *
     * @param on whether to restart
     * @return the new policy
     */
    public RestartPolicy withEnabled(boolean on) {
        return new RestartPolicy(on, backoffBase, backoffMax, stableAfter, maxRestarts, window, restartCleanExits);
    }

    /**
     * This policy with the delay of the second restart in a row {@code base}, doubling up to {@code max}.
     *
     * @param base delay before the second restart in a row
     * @param max the longest delay
     * @return the new policy
     */
    public RestartPolicy withBackoff(Duration base, Duration max) {
        return new RestartPolicy(enabled, base, max, stableAfter, maxRestarts, window, restartCleanExits);
    }

    /**
     * This policy giving a slot up after more than {@code maxRestarts} restarts within {@code window}.
     *
     * @param maxRestarts restarts allowed per slot within the window
     * @param window the crash-loop window
     * @return the new policy
     */
    public RestartPolicy withCrashLoop(int maxRestarts, Duration window) {
        return new RestartPolicy(enabled, backoffBase, backoffMax, stableAfter, maxRestarts, window, restartCleanExits);
    }

    /**
     * This policy counting a worker that ran for {@code stable} as healthy (its slot's backoff starts over).
     *
     * @param stable the uptime that counts as healthy
     * @return the new policy
     */
    public RestartPolicy withStableAfter(Duration stable) {
        return new RestartPolicy(enabled, backoffBase, backoffMax, stable, maxRestarts, window, restartCleanExits);
    }

    /**
     * This policy restarting ({@code true}) or not ({@code false}, the default) a worker that exits with
     * code 0 by itself. A worker stopped by {@code disconnect()}, {@code kill()}, {@code scale} or
     * {@code close()} is never restarted either way.
     *
     * @param on whether clean exits are restarted
     * @return the new policy
     */
    public RestartPolicy withRestartCleanExits(boolean on) {
        return new RestartPolicy(enabled, backoffBase, backoffMax, stableAfter, maxRestarts, window, on);
    }

    static void positive(String option, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(option + " must be a positive duration, got " + d);
        }
    }
}

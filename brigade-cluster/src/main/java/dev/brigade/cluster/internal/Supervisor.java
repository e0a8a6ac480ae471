package dev.brigade.cluster.internal;

import dev.brigade.cluster.ExitCodes;
import dev.brigade.cluster.ExitStatus;
import dev.brigade.cluster.RestartPolicy;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Decides what follows a worker's exit, for one instance slot. Pure logic over an explicit
 * clock (nanoseconds passed in), so that backoff and crash-loop rules are tested without
 * processes or sleeps. Not thread-safe: the primary calls it under its lock.
 */
final class Supervisor {
    /** What to do with the slot. */
    sealed interface Decision {
        /** Leave the slot empty (the stop was wanted, the worker finished with code 0, or restarts are off). */
        record Stop() implements Decision {
        }

        /** Start a new worker in the slot after {@code delay}. */
        record Restart(Duration delay) implements Decision {
        }

        /** Give the slot up and report why. */
        record GiveUp(boolean bootFailure, String reason) implements Decision {
        }
    }

    /** The facts about one exit. */
    record Outcome(ExitStatus status, boolean wasOnline, boolean stopRequested, boolean replaceRequested,
                   long startedNanos, long exitedNanos) {
    }

    private final RestartPolicy policy;
    private final ArrayDeque<Long> restarts = new ArrayDeque<>(); // nano times of restarts within the window
    private int crashesInARow;
    private boolean everOnline;

    Supervisor(RestartPolicy policy) {
        this.policy = policy;
    }

    Decision decide(Outcome o) {
        everOnline |= o.wasOnline();
        if (o.replaceRequested()) {
            return count(o.exitedNanos(), Duration.ZERO);
        }
        if (o.stopRequested()) {
            return new Decision.Stop();
        }
        if (!o.status().signaled() && o.status().code() == ExitCodes.BOOT_ERROR) {
            return new Decision.GiveUp(true, "worker exited with the boot-error code " + ExitCodes.BOOT_ERROR);
        }
        if (!o.wasOnline() && !everOnline) {
            return new Decision.GiveUp(true, "worker exited before it came online (" + o.status() + ")");
        }
        if (!policy.enabled() || (!policy.restartCleanExits() && !o.status().signaled() && o.status().code() == ExitCodes.OK)) {
            return new Decision.Stop(); // off, or the worker finished its work (Node: exit code 0)
        }
        long uptime = o.exitedNanos() - o.startedNanos();
        if (uptime >= policy.stableAfter().toNanos()) {
            crashesInARow = 0;
        }
        crashesInARow++;
        Duration delay = crashesInARow == 1 ? Duration.ZERO : backoff(crashesInARow - 2);
        return count(o.exitedNanos(), delay);
    }

    private Decision count(long now, Duration delay) {
        long windowStart = now - policy.window().toNanos();
        while (!restarts.isEmpty() && restarts.peekFirst() < windowStart) {
            restarts.removeFirst();
        }
        if (restarts.size() >= policy.maxRestarts()) {
            return new Decision.GiveUp(false, "crash loop: " + restarts.size() + " restarts within "
                    + policy.window().toSeconds() + " s (restart.maxRestarts=" + policy.maxRestarts() + ")");
        }
        restarts.addLast(now);
        return new Decision.Restart(delay);
    }

    private Duration backoff(int exponent) {
        Duration d = policy.backoffBase().multipliedBy(1L << Math.min(exponent, 30));
        return d.compareTo(policy.backoffMax()) > 0 ? policy.backoffMax() : d;
    }
}

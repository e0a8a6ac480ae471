package dev.brigade.store;

/**
 * The time source behind key expiry in the in-process backend: a monotonic reading in
 * nanoseconds, like {@link System#nanoTime()}. Tests inject a manual clock and move it forward
 * instead of sleeping (Redis keeps its own time, so this applies to the in-process backend only).
 */
@FunctionalInterface
public interface StoreClock {
    /**
     * The current reading, in nanoseconds from an arbitrary origin; never decreases.
     *
     * @return nanoseconds from an arbitrary origin
     */
    long nanos();

    /**
     * The system's monotonic clock.
     *
     * @return the system's monotonic clock
     */
    static StoreClock system() {
        return System::nanoTime;
    }
}

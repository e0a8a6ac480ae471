package dev.brigade.worker;

/** Outcome of {@link Atomics#wait}: Node's {@code "ok"}, {@code "not-equal"}, {@code "timed-out"}. */
public enum WaitResult {
    /** Woken by {@link Atomics#notify}. */
    OK,
    /** The value was not the expected one, so the caller did not wait. */
    NOT_EQUAL,
    /** No notify came within the timeout. */
    TIMED_OUT
}

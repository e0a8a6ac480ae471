package dev.brigade.worker;

/** What a worker does when one of its message handlers throws. */
public enum UncaughtPolicy {
    /** Node's behaviour: report an {@code error} event to the parent, then exit with code 1. */
    EXIT,
    /** Report an {@code error} event to the parent and keep handling messages. */
    REPORT
}

package dev.brigade.cluster;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a worker process is in its life. Every change goes through {@link #canMoveTo}: a worker
 * never goes back (a restart is a new worker with a new id in the same instance slot).
 *
 * <pre>
 *  STARTING ──► ONLINE ──► LISTENING ──► DISCONNECTING ──► EXITED
 *      │           │            │               │     └──► ERRORED
 *      └───────────┴────────────┴───────────────┴──► EXITED | ERRORED
 * </pre>
 */
public enum WorkerState {
    /** Spawned; its JVM is starting and has not yet said hello over IPC. */
    STARTING,
    /** Connected to the primary over IPC and authenticated. */
    ONLINE,
    /** Accepting connections on at least one address. */
    LISTENING,
    /** Asked to stop: takes no new work, finishes what it has, then exits (or is killed after the kill timeout). */
    DISCONNECTING,
    /** Exited; its slot may be restarted with a new worker. */
    EXITED,
    /** Exited and its slot was given up: boot failure or crash loop. Not restarted. */
    ERRORED;

    /**
     * True for {@link #EXITED} and {@link #ERRORED}.
     *
     * @return true for EXITED and ERRORED
     */
    public boolean isTerminal() {
        return this == EXITED || this == ERRORED;
    }

    /**
     * Whether a worker in this state may move to {@code next}.
     *
     * @param next the state to move to
     * @return whether the move is allowed
     */
    public boolean canMoveTo(WorkerState next) {
        return successors().contains(next);
    }

    private Set<WorkerState> successors() {
        return switch (this) {
            case STARTING -> EnumSet.of(ONLINE, DISCONNECTING, EXITED, ERRORED);
            case ONLINE -> EnumSet.of(LISTENING, DISCONNECTING, EXITED, ERRORED);
            case LISTENING -> EnumSet.of(DISCONNECTING, EXITED, ERRORED);
            case DISCONNECTING -> EnumSet.of(EXITED, ERRORED);
            case EXITED, ERRORED -> EnumSet.noneOf(WorkerState.class);
        };
    }
}

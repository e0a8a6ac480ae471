package dev.brigade.manager.daemon;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an instance slot is. Unlike a cluster worker, a slot comes back: a restart moves it from
 * {@code WAITING_RESTART} (or {@code STOPPED}, {@code ERRORED}) to {@code ONLINE} again.
 *
 * <pre>
 *  ONLINE ──crash──► WAITING_RESTART ──► ONLINE
 *    │  └──crash loop──► ERRORED ──restart──► ONLINE
 *    └──stop──► STOPPING ──► STOPPED ──restart──► ONLINE
 * </pre>
 */
enum Status {
    ONLINE, WAITING_RESTART, STOPPING, STOPPED, ERRORED;

    /** The name users see ({@code ls}, {@code --json}). */
    String label() {
        return name().toLowerCase().replace('_', '-');
    }

    boolean canMoveTo(Status next) {
        Set<Status> ok = switch (this) {
            case ONLINE -> EnumSet.of(WAITING_RESTART, ERRORED, STOPPING, STOPPED);
            case WAITING_RESTART -> EnumSet.of(ONLINE, ERRORED, STOPPED, STOPPING);
            case STOPPING -> EnumSet.of(STOPPED);
            case STOPPED, ERRORED -> EnumSet.of(ONLINE, STOPPED, ERRORED);
        };
        return ok.contains(next);
    }
}

package dev.brigade.cluster.internal;

import java.lang.reflect.Field;
import java.util.function.Function;

/**
 * The first step of a disconnected worker, before its app is told anything: brigade-agent stops
 * this JVM taking connections from the shared sockets (the shared socket and the other workers
 * are untouched; the agent's {@code Departure} explains how) and waits, at most the drain timeout
 * ({@value #ENV_DRAIN}, which the primary sets to half its kill timeout, at most
 * {@value #MAX_DRAIN_MILLIS} ms), until the connections the worker already accepted on declared
 * ports are closed. Then the worker runs its disconnect handlers and exits through
 * {@code System.exit} (the app's shutdown hooks), and the primary kills it after the kill timeout.
 * An app that registered a disconnect handler drains itself: the worker does not wait for it.
 * Without the agent (no port declared to it) there is nothing to stop.
 */
final class Leave {
    static final String ENV_DRAIN = "BRIGADE_DRAIN_MILLIS";
    static final long MAX_DRAIN_MILLIS = 2000;
    private static final String HOOKS = "dev.brigade.agent.internal.Hooks";

    private Leave() {
    }

    /** The drain timeout the primary gives its workers for a kill timeout of {@code killMillis}. */
    static long drainMillis(long killMillis) {
        return Math.min(killMillis / 2, MAX_DRAIN_MILLIS);
    }

    /** Stops accepting and, unless {@code appDrains}, waits for this worker's connections; returns the agent's report. */
    static String stopAccepting(boolean appDrains) {
        Function<Object, Object> leave = agentHook();
        if (leave == null) {
            return "no agent";
        }
        long millis = appDrains ? 0 : configuredDrainMillis();
        try {
            return String.valueOf(leave.apply(millis));
        } catch (RuntimeException | LinkageError e) { // the agent reports its own failures; this is a broken agent jar
            System.err.println("brigade: worker could not stop accepting before leaving: " + e);
            return e.toString();
        }
    }

    private static long configuredDrainMillis() {
        String v = System.getenv(ENV_DRAIN);
        try {
            return v == null ? MAX_DRAIN_MILLIS : Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return MAX_DRAIN_MILLIS;
        }
    }

    /** The agent's leave hook, reached by reflection: the agent lives on the class path, this module cannot link to it. */
    @SuppressWarnings("unchecked")
    private static Function<Object, Object> agentHook() {
        try {
            Field f = Class.forName(HOOKS, true, ClassLoader.getSystemClassLoader()).getField("LEAVE");
            return (Function<Object, Object>) f.get(null);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return null;
        }
    }
}

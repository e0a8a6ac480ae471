package dev.brigade.cluster;

import java.util.IdentityHashMap;
import java.util.Map;

/** Drains a primary's workers when the JVM gets SIGTERM or SIGINT (one JVM shutdown hook per cluster). */
final class ShutdownHook {
    private static final Map<Cluster, Thread> HOOKS = new IdentityHashMap<>(); // guarded by HOOKS

    private ShutdownHook() {
    }

    static void register(Cluster cluster) {
        Thread hook = new Thread(cluster::shutdownFromHook, "brigade-cluster-shutdown");
        synchronized (HOOKS) {
            HOOKS.put(cluster, hook);
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static void unregister(Cluster cluster) {
        Thread hook;
        synchronized (HOOKS) {
            hook = HOOKS.remove(cluster);
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook runs anyway and shutdown is idempotent
            }
        }
    }
}

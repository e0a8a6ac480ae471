package dev.brigade.cluster.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Times out IPC requests for every {@link Correlator} of the process, from one daemon thread that
 * ticks every {@value #TICK_MILLIS} ms while some request is pending and parks otherwise. A timer
 * task per request would cost a timer-thread wake-up per round trip (its task is the new head of
 * the delay queue each time) and leave a cancelled task behind per reply.
 */
final class Sweeper {
    static final long TICK_MILLIS = 10;
    private static final Set<Correlator> WATCHED = ConcurrentHashMap.newKeySet();
    private static Thread thread; // guarded by Sweeper.class

    private Sweeper() {
    }

    /** Watches {@code c} until it has no pending request. */
    static void watch(Correlator c) {
        c.swept = true;
        WATCHED.add(c);
        Thread t;
        synchronized (Sweeper.class) {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("brigade-ipc-timeouts").stackSize(256 * 1024).start(Sweeper::loop);
            }
            t = thread;
        }
        LockSupport.unpark(t);
    }

    private static void loop() {
        while (true) {
            if (WATCHED.isEmpty()) {
                LockSupport.park(); // watch() unparks; a spurious return just loops
                continue;
            }
            LockSupport.parkNanos(TICK_MILLIS * 1_000_000);
            long now = System.nanoTime();
            for (Correlator c : WATCHED) {
                try {
                    if (!c.expire(now)) {
                        c.swept = false;
                        WATCHED.remove(c);
                        if (c.expire(now)) { // a request came in between: keep watching
                            watch(c);
                        }
                    }
                } catch (RuntimeException e) {
                    System.getLogger("dev.brigade.cluster").log(System.Logger.Level.ERROR, "IPC request timeouts: " + e, e);
                }
            }
        }
    }
}

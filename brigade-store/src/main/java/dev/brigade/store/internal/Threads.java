package dev.brigade.store.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the store's few background threads: daemon, named, never silent on failure. */
final class Threads {
    private Threads() {
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> System.getLogger("dev.brigade.store")
                    .log(System.Logger.Level.ERROR, "uncaught in " + th.getName(), e));
            return t;
        };
    }
}

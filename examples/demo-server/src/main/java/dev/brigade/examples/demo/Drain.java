package dev.brigade.examples.demo;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's drain state: whether it is draining, open connections, requests in flight, and
 * when the last request came. Draining ends when every connection has closed (clients close after
 * the {@code Connection: close} response they get), or, for clients that keep an idle connection
 * open, once nothing is in flight and nothing arrived for a quiet period.
 */
final class Drain {
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastRequestNanos = System.nanoTime();

    boolean draining() {
        return draining;
    }

    void begin() {
        draining = true;
    }

    void connectionOpened() {
        open.incrementAndGet();
    }

    void connectionClosed() {
        open.decrementAndGet();
    }

    void requestStarted() {
        inFlight.incrementAndGet();
        lastRequestNanos = System.nanoTime();
    }

    void requestEnded() {
        inFlight.decrementAndGet();
    }

    /** Waits until nothing is in flight and nothing arrived for {@code quiet}, or {@code limit} passed. */
    void awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (open.get() == 0 || (inFlight.get() == 0 && System.nanoTime() - lastRequestNanos >= quiet.toNanos())) {
                return;
            }
            Thread.sleep(10); // polling a drain state while shutting down; nothing else to wait on
        }
    }
}

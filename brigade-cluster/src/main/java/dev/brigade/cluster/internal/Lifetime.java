package dev.brigade.cluster.internal;

import java.util.concurrent.TimeUnit;

/**
 * Node's rule for a primary: its workers' IPC channels keep the process alive. While a primary
 * has work (a worker running, starting or waiting to be restarted), one non-daemon thread waits
 * here, so a {@code main} that returns after {@code fork()} leaves the JVM running until every
 * worker has ended and nothing will be restarted; the JVM then ends as {@code java} would.
 * {@code Cluster.awaitTermination} waits for the same moment.
 */
final class Lifetime {
    private boolean idle = true;  // guarded by this
    private Thread keeper;        // guarded by this: the non-daemon waiter, while busy

    /** The primary has work from now on: keep the JVM alive. */
    synchronized void busy() {
        idle = false;
        if (keeper == null) {
            keeper = Thread.ofPlatform().name("brigade-cluster-keepalive").daemon(false).stackSize(128 * 1024)
                    .start(new Keeper());
        }
    }

    /** No worker runs and none will start (or the cluster was closed): let the JVM end. */
    synchronized void idle() {
        idle = true;
        notifyAll();
    }

    /** Waits until idle, up to {@code nanos} (a negative value: no limit); true if idle. */
    synchronized boolean await(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!idle) {
            if (nanos < 0) {
                wait();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return true;
    }

    private final class Keeper implements Runnable {
        @Override
        public void run() {
            synchronized (Lifetime.this) {
                try {
                    while (!idle) {
                        Lifetime.this.wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    keeper = null;
                }
            }
        }
    }
}

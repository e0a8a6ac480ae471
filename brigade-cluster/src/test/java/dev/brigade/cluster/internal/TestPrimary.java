package dev.brigade.cluster.internal;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A whole clustered program for tests that must kill the primary: run as a plain JVM, it is the
 * primary and forks two copies of itself (the same-program entry); as a worker it answers pings.
 * The primary prints "online PID" per worker and "exit ID STATUS" per exit.
 */
public final class TestPrimary {
    public static void main(String[] args) throws Exception {
        Cluster cluster = Cluster.create(ClusterSettings.builder().instances(2).classDataArchive(false)
                .killTimeout(Duration.ofSeconds(2)).build());
        if (cluster.isWorker()) {
            cluster.self().onRequest(msg -> "pong");
            return; // the IPC thread keeps the worker alive
        }
        cluster.on(ClusterEvent.Online.class, e -> System.out.println("online " + e.worker().pid()));
        cluster.on(ClusterEvent.Exit.class, e -> System.out.println("exit " + e.worker().id() + " " + e.status()));
        cluster.fork();
        new CountDownLatch(1).await();
    }
}

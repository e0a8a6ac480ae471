package dev.brigade.cluster.internal;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import java.time.Duration;

/**
 * A clustered program whose primary's main returns right after {@code fork()}, as Node's do: the
 * JVM must live on until both workers have asked the primary something, printed the answer and
 * ended with code 0 (not restarted), then end by itself. Prints "fork ID", "exit ID STATUS".
 */
public final class TestLifetimePrimary {
    public static void main(String[] args) throws Exception {
        Cluster cluster = Cluster.create(ClusterSettings.builder().instances(2).classDataArchive(false)
                .shutdownHook(false).build());
        if (cluster.isWorker()) {
            Object reply = cluster.self().request("ping", Duration.ofSeconds(30)).join();
            System.out.println("got " + reply);
            return; // no handler, no thread: the worker ends with 0
        }
        cluster.onRequest((worker, msg) -> msg + " answered");
        cluster.on(ClusterEvent.Fork.class, e -> System.out.println("fork " + e.worker().id()));
        cluster.on(ClusterEvent.Exit.class, e -> System.out.println("exit " + e.worker().id() + " " + e.status()));
        cluster.fork();
    }
}

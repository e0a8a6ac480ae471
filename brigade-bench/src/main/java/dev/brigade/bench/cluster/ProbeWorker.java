package dev.brigade.bench.cluster;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import java.util.concurrent.CountDownLatch;

/**
 * The trivial program of {@code brigade bench cluster}. As a worker it answers every request
 * with the request itself. Run as a plain JVM with argument {@code primary}, it is a primary of
 * two copies of itself that prints {@code online PID} per worker, for the orphan measurement.
 */
public final class ProbeWorker {
    public static void main(String[] args) throws Exception {
        Cluster cluster = Cluster.create(ClusterSettings.builder().instances(2).classDataArchive(false)
                .output(line -> { }).build());
        if (cluster.isWorker()) {
            cluster.self().onRequest(msg -> msg);
            return;
        }
        cluster.on(ClusterEvent.Online.class, e -> {
            System.out.println("online " + e.worker().pid());
            System.out.flush();
        });
        cluster.fork();
        new CountDownLatch(1).await();
    }
}

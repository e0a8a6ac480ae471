package dev.brigade.examples.snippets;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.WorkerProcess;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** README, "Cluster": one program that is both the primary and its workers. */
public final class ClusterSnippet {
    private ClusterSnippet() {
    }

    /**
     * Run it as the primary; it forks two copies of itself as workers.
     *
     * @param args none
     * @throws InterruptedException if interrupted while waiting for the workers
     */
    public static void main(String[] args) throws InterruptedException {
        // README:begin
        Cluster cluster = Cluster.create(ClusterSettings.builder().instances(2).build());
        if (cluster.isPrimary()) {
            AtomicInteger done = new AtomicInteger();
            cluster.on(ClusterEvent.Exit.class, e -> done.incrementAndGet());
            cluster.onRequest((worker, msg) -> msg + " -> pong to worker " + worker.id());
            cluster.fork();             // main may return now: live workers keep the primary's JVM alive
            cluster.awaitTermination(); // or block until every worker is done
            System.out.println(done + " workers done, none restarted");
        } else {
            WorkerProcess self = cluster.self();          // BRIGADE_WORKER_ID, instance index
            Object reply = self.request("ping", Duration.ofSeconds(10)).join();
            System.out.println(reply);  // printed by the primary as "[worker 1] ping -> pong to worker 1"
        }                               // main returns: this worker exits with 0, done
        // README:end
    }
}

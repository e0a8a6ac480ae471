package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class IpcBackpressureTest {
    static final Duration T = Duration.ofSeconds(15);

    @Test
    void a_worker_that_stops_reading_never_blocks_send_and_is_disconnected_at_the_queue_limit() throws Exception {
        System.setProperty("brigade.ipc.maxQueuedBytes", "2000000"); // read when a worker connects
        try (Cluster c = Cluster.create(Workers.settings().instances(2).build())) {
            var rec = new Workers.Recorder(c);
            var ws = c.fork();
            ClusterWorker stuck = ws.get(0);
            stuck.online().get(10, TimeUnit.SECONDS);
            stuck.send("block");
            String chunk = "x".repeat(100_000);
            ClusterException refused = null;
            for (int i = 0; i < 2_000 && refused == null; i++) { // 200 MB at most; each send returns at once
                try {
                    stuck.send(chunk);
                } catch (ClusterException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("send refused once the queue is full").isNotNull();
            assertThat(refused.getMessage()).contains("worker " + stuck.id(), "stopped reading", "limit of 2000000 bytes");
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Error.class, stuck).isEmpty());
            assertThat(rec.of(ClusterEvent.Error.class, stuck).get(0).error().getMessage())
                    .contains("worker " + stuck.id(), "limit of 2000000 bytes");
            assertThat(stuck.exit().get(T.toMillis(), TimeUnit.MILLISECONDS)).isNotNull(); // killed after the kill timeout
            assertThat(ws.get(1).request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong"); // the others live on
        } finally {
            System.clearProperty("brigade.ipc.maxQueuedBytes");
        }
    }
}

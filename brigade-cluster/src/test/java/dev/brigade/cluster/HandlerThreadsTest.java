package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handlers never run on an IPC reader, in a worker or in the primary: a blocking call made inside
 * one, answered over the same channel, completes; messages keep their order.
 */
@Timeout(90)
class HandlerThreadsTest {
    static final Duration T = Duration.ofSeconds(30);

    @Test
    void a_workers_message_handler_may_block_on_a_request_to_its_primary() throws Exception {
        // no caller reads (a waiting thread reads its reply itself only given a spin permit): only the reader can
        try (Cluster c = Cluster.create(Workers.settings().jvmOptions("-Dbrigade.ipc.callerReads=false").build())) {
            var rec = new Workers.Recorder(c);
            c.onRequest((w, msg) -> "primary saw " + msg);
            ClusterWorker w = c.fork().get(0);
            w.online().get(T.toMillis(), TimeUnit.MILLISECONDS);
            w.send("echo:ready"); // echoed once the handler is registered: what follows runs where handlers run
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Message.class, w).isEmpty());
            w.send("ask-blocking");
            await().atMost(T).until(() -> rec.of(ClusterEvent.Message.class, w).size() == 2);
            assertThat(rec.of(ClusterEvent.Message.class, w).get(1).message()).isEqualTo("asked: primary saw from-worker");
        }
    }

    @Test
    void the_primarys_request_handler_may_block_on_a_request_to_the_same_worker() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            c.onRequest((w, msg) -> msg + " then " + w.request("ping", T).join()); // answered on w's channel
            ClusterWorker w = c.fork().get(0);
            assertThat(w.request("ask-primary", T).get(T.toSeconds() + 10, TimeUnit.SECONDS)).isEqualTo("from-worker then pong");
        }
    }

    @Test
    void messages_reach_the_worker_and_come_back_in_the_order_sent() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            w.online().get(T.toMillis(), TimeUnit.MILLISECONDS);
            List<String> sent = IntStream.range(0, 300).mapToObj(i -> "m" + i).toList();
            sent.forEach(m -> w.send("echo:" + m));
            await().atMost(T).until(() -> rec.of(ClusterEvent.Message.class, w).size() == sent.size());
            assertThat(rec.of(ClusterEvent.Message.class, w).stream().map(ClusterEvent.Message::message)).containsExactlyElementsOf(sent);
        }
    }
}

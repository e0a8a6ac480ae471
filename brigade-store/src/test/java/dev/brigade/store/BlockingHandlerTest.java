package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterWorker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real worker JVM whose message handler makes blocking calls answered over its own IPC channel:
 * a {@code SharedStore.embedded} write and a request to the primary. Both succeed (when handlers ran
 * on the IPC reader, the write stalled for the store's timeout and failed "outcome unknown").
 */
@Timeout(120)
class BlockingHandlerTest {
    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void a_blocking_store_write_and_request_inside_onMessage_both_succeed() throws Exception {
        // Without caller reads (a waiting thread reading its reply itself, which it does only when it gets a
        // spin permit, and rarely on a loaded machine), only the reader thread can read the answers.
        var settings = StoreClusters.settings(1).toBuilder().jvmOptions("-Dbrigade.ipc.callerReads=false").build();
        try (Cluster cluster = Cluster.create(settings);
             SharedStore store = SharedStore.embedded(cluster)) {
            List<Object> messages = new CopyOnWriteArrayList<>();
            cluster.on(ClusterEvent.Message.class, e -> messages.add(e.message()));
            cluster.onRequest((w, msg) -> "primary saw " + msg);
            ClusterWorker w = cluster.fork().get(0);
            w.online().get(60, TimeUnit.SECONDS);
            w.send("ready"); // answered once the handler is registered: what follows runs where handlers run
            await().atMost(T).until(() -> messages.contains("ready"));
            messages.clear();
            w.send("blocking:handler-key");
            await().atMost(T).until(() -> !messages.isEmpty());
            assertThat(messages).containsExactly("done: primary saw from onMessage");
            assertThat(store.blocking().get("handler-key", String.class)).contains("written in onMessage");
        }
    }
}

package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.WorkerState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A worker that records its class-data archive and is being asked by jcmd to write it must not be told to stop until
 * that is over (a JDK 25 JVM writing it twice at once crashed): {@link Child#beforeLeave} holds the Disconnect.
 */
class ChildLeavingTest {
    @Test
    void a_worker_that_must_not_stop_yet_is_told_to_leave_once_it_may() throws Exception {
        try (ChildHarness h = new ChildHarness(9)) {
            h.child.forkPublished();
            Thread attach = h.attachOnAThread();
            assertThat(h.readFrame()).isInstanceOf(Frame.Welcome.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> h.child.state() == WorkerState.ONLINE);

            CompletableFuture<Void> free = new CompletableFuture<>();
            h.child.beforeLeave = () -> free; // as when jcmd is writing its recording
            h.child.disconnect();
            assertThat(h.child.state()).isEqualTo(WorkerState.DISCONNECTING);
            h.workerEnd.configureBlocking(false);
            ByteBuffer got = ByteBuffer.allocate(256);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> {
                h.workerEnd.read(got);
                return got.position() == 0;
            });

            free.complete(null); // jcmd is over
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                h.workerEnd.read(got);
                return got.position() >= 4 && got.position() >= 4 + got.getInt(0);
            });
            got.flip().getInt();
            assertThat(FrameCodec.decode(got)).isInstanceOf(Frame.Disconnect.class);
            h.workerEnd.close();
            attach.join(10_000);
        }
    }
}

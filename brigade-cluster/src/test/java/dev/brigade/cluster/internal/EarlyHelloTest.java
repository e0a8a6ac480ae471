package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.WorkerState;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker may say hello before its primary has recorded it (pid, output threads, Fork event): on a
 * loaded machine the hello was refused ("worker 18 has pid 0"). The hello now waits for the spawn to
 * complete, and the Fork event still comes before Online.
 */
class EarlyHelloTest {
    @Test
    void a_hello_before_the_spawn_completed_waits_for_it() throws Exception {
        try (ChildHarness h = new ChildHarness(7)) {
            List<ClusterEvent> events = h.events;
            // the child's pid is still 0: as if the hello came before started()
            Thread attach = h.attachOnAThread();
            await().atMost(Duration.ofSeconds(10)).until(() -> attach.getState() == Thread.State.TIMED_WAITING);
            SocketChannel workerEnd = h.workerEnd;
            workerEnd.configureBlocking(false);
            assertThat(workerEnd.read(ByteBuffer.allocate(64))).as("no welcome before the spawn completed").isZero();
            assertThat(events).isEmpty();

            events.add(new ClusterEvent.Fork(h.child)); // what the primary publishes just before
            h.child.forkPublished();

            workerEnd.configureBlocking(true);
            assertThat(h.readFrame()).isInstanceOf(Frame.Welcome.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
            assertThat(events.get(0)).isInstanceOf(ClusterEvent.Fork.class);
            assertThat(events.get(1)).isInstanceOf(ClusterEvent.Online.class);
            workerEnd.close();
            attach.join(10_000);
        }
    }

    /*
     * The agent writes its listening notice once it has the welcome, which attach sends before it moves the worker
     * ONLINE: a notice read in between found the worker STARTING, could not move it to LISTENING, and was lost; the
     * worker stayed "online" and its start failed after the listen timeout (seen in ClusterModeTest).
     */
    @Test
    void a_listening_notice_while_the_worker_is_still_starting_is_applied_once_it_is_online() throws Exception {
        try (ChildHarness h = new ChildHarness(8)) {
            Child child = h.child;
            child.forkPublished();
            child.markListening("127.0.0.1", 8080); // before the attach moved it ONLINE
            assertThat(child.state()).isEqualTo(WorkerState.STARTING);
            assertThat(child.listening()).isNotDone();
            Thread attach = h.attachOnAThread();
            child.listening().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(child.state()).isEqualTo(WorkerState.LISTENING);
            assertThat(h.events).extracting(e -> e.getClass().getSimpleName()).containsExactly("Online", "Listening");
            h.workerEnd.close();
            attach.join(10_000);
        }
    }
}

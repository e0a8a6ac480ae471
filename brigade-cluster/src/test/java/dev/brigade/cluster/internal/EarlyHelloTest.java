package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ExitStatus;
import dev.brigade.cluster.WorkerState;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * A worker may say hello before its primary has recorded it (pid, output threads, Fork event): on a
 * loaded machine the hello was refused ("worker 18 has pid 0"). The hello now waits for the spawn to
 * complete, and the Fork event still comes before Online.
 */
class EarlyHelloTest {
    @Test
    void a_hello_before_the_spawn_completed_waits_for_it() throws Exception {
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Child.Owner owner = owner(events, timer);
        Child child = new Child(7, 0, "token", owner);
        Path dir = Files.createTempDirectory("brigade-early-hello-");
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            SocketChannel workerEnd = SocketChannel.open(UnixDomainSocketAddress.of(sock));
            IpcChannel primaryEnd = new IpcChannel(server.accept(), 1 << 20, "worker 7", 1 << 20);
            // the child's pid is still 0: as if the hello came before started()
            Thread attach = attachOnAThread(child, primaryEnd, 7, events);
            await().atMost(Duration.ofSeconds(10)).until(() -> attach.getState() == Thread.State.TIMED_WAITING);
            workerEnd.configureBlocking(false);
            assertThat(workerEnd.read(ByteBuffer.allocate(64))).as("no welcome before the spawn completed").isZero();
            assertThat(events).isEmpty();

            events.add(new ClusterEvent.Fork(child)); // what the primary publishes just before
            child.forkPublished();

            workerEnd.configureBlocking(true);
            ByteBuffer welcome = ByteBuffer.allocate(64);
            while (welcome.position() < 4 || welcome.position() < 4 + welcome.getInt(0)) {
                assertThat(workerEnd.read(welcome)).isPositive();
            }
            welcome.flip().getInt();
            assertThat(FrameCodec.decode(welcome)).isInstanceOf(Frame.Welcome.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
            assertThat(events.get(0)).isInstanceOf(ClusterEvent.Fork.class);
            assertThat(events.get(1)).isInstanceOf(ClusterEvent.Online.class);
            workerEnd.close();
            attach.join(10_000);
        } finally {
            timer.shutdownNow();
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    /** {@code child.attach} of a hello from worker {@code id} (pid 0), on a thread of its own; a failure becomes an Error event. */
    private static Thread attachOnAThread(Child child, IpcChannel primaryEnd, int id, List<ClusterEvent> events) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                child.attach(primaryEnd, new Frame.Hello(id, "token", 0));
            } catch (Exception e) {
                events.add(new ClusterEvent.Error(child, new dev.brigade.cluster.ClusterException(
                        dev.brigade.cluster.ClusterException.Code.PROTOCOL, e.toString(), e)));
            }
        });
    }

    private static Child.Owner owner(List<ClusterEvent> events, ScheduledExecutorService timer) {
        return new Child.Owner() {
            @Override public void publish(ClusterEvent event) { events.add(event); }
            @Override public void exited(Child child, ExitStatus status) { }
            @Override public CompletionStage<byte[]> answer(Child child, byte[] request) { return CompletableFuture.completedFuture(request); }
            @Override public Object decode(byte[] payload) { return payload; }
            @Override public byte[] encode(Object message) { return (byte[]) message; }
            @Override public ScheduledExecutorService timer() { return timer; }
            @Override public Duration killTimeout() { return Duration.ofSeconds(1); }
            @Override public int heartbeatMillis() { return 1000; }
            @Override public int maxFrameBytes() { return 1 << 20; }
        };
    }

    /*
     * The agent writes its listening notice once it has the welcome, which attach sends before it moves the worker
     * ONLINE: a notice read in between found the worker STARTING, could not move it to LISTENING, and was lost; the
     * worker stayed "online" and its start failed after the listen timeout (seen in ClusterModeTest).
     */
    @Test
    void a_listening_notice_while_the_worker_is_still_starting_is_applied_once_it_is_online() throws Exception {
        List<ClusterEvent> events = new CopyOnWriteArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Child child = new Child(8, 0, "token", owner(events, timer));
        Path dir = Files.createTempDirectory("brigade-early-listening-");
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            SocketChannel workerEnd = SocketChannel.open(UnixDomainSocketAddress.of(sock));
            IpcChannel primaryEnd = new IpcChannel(server.accept(), 1 << 20, "worker 8", 1 << 20);
            child.forkPublished();
            child.markListening("127.0.0.1", 8080); // before the attach moved it ONLINE
            assertThat(child.state()).isEqualTo(WorkerState.STARTING);
            assertThat(child.listening()).isNotDone();
            Thread attach = attachOnAThread(child, primaryEnd, 8, events);
            child.listening().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(child.state()).isEqualTo(WorkerState.LISTENING);
            assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsExactly("Online", "Listening");
            workerEnd.close();
            attach.join(10_000);
        } finally {
            timer.shutdownNow();
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }
}

package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ExitStatus;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A {@link Child} without a process: its owner records events, and its IPC link is a real Unix socket pair. */
final class ChildHarness implements AutoCloseable {
    final List<ClusterEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final Child child;
    final SocketChannel workerEnd;
    final IpcChannel primaryEnd;
    private final Path dir;
    private final Path sock;

    ChildHarness(int id) throws IOException {
        child = new Child(id, 0, "token", owner());
        dir = Files.createTempDirectory("brigade-child-");
        sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            workerEnd = SocketChannel.open(UnixDomainSocketAddress.of(sock));
            primaryEnd = new IpcChannel(server.accept(), 1 << 20, "worker " + id, 1 << 20);
        }
    }

    /** {@code child.attach} of a hello from this worker (pid 0), on a thread of its own; a failure becomes an Error event. */
    Thread attachOnAThread() {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                child.attach(primaryEnd, new Frame.Hello(child.id, "token", 0));
            } catch (Exception e) {
                events.add(new ClusterEvent.Error(child, new dev.brigade.cluster.ClusterException(
                        dev.brigade.cluster.ClusterException.Code.PROTOCOL, e.toString(), e)));
            }
        });
    }

    /** The next frame the primary sent, read (blocking) from the worker's end. */
    Frame readFrame() throws IOException {
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(4);
        while (head.hasRemaining()) {
            if (workerEnd.read(head) < 0) {
                throw new java.io.EOFException("the primary closed the link");
            }
        }
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(head.flip().getInt());
        while (body.hasRemaining()) {
            if (workerEnd.read(body) < 0) {
                throw new java.io.EOFException("the primary closed the link mid-frame");
            }
        }
        return FrameCodec.decode(body.flip());
    }

    private Child.Owner owner() {
        return new Child.Owner() {
            @Override public void publish(ClusterEvent event) { events.add(event); }
            @Override public void exited(Child c, ExitStatus status) { }
            @Override public CompletionStage<byte[]> answer(Child c, byte[] request) { return CompletableFuture.completedFuture(request); }
            @Override public Object decode(byte[] payload) { return payload; }
            @Override public byte[] encode(Object message) { return (byte[]) message; }
            @Override public ScheduledExecutorService timer() { return timer; }
            @Override public Duration killTimeout() { return Duration.ofSeconds(1); }
            @Override public int heartbeatMillis() { return 1000; }
            @Override public int maxFrameBytes() { return 1 << 20; }
        };
    }

    @Override
    public void close() throws IOException {
        timer.shutdownNow();
        workerEnd.close();
        Files.deleteIfExists(sock);
        Files.deleteIfExists(dir);
    }
}

package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A thread blocked on a reply reads the channel itself while the reader thread waits
 * ({@link IpcChannel#awaitReply}): replies still complete exactly once, and frames that are not
 * replies still reach the reader thread, in order, before any reply that followed them.
 */
class CallerReadsTest {
    private Path dir;
    private IpcChannel near; // the side under test, with its reader thread
    private SocketChannel far; // the peer: a plain blocking socket (an IpcChannel would spin, and spin permits are per process)
    private Correlator correlator;
    private final List<Frame> dispatched = new CopyOnWriteArrayList<>();
    private Thread reader;
    private final java.util.concurrent.atomic.AtomicInteger readerReplies = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void connect() throws Exception {
        dir = Files.createTempDirectory("brigade-caller-reads-");
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(sock));
            SocketChannel b = server.accept();
            near = new IpcChannel(a, 1 << 20, "peer", 1 << 20);
            far = b;
        }
        correlator = new Correlator("peer", near::send, near);
        reader = Thread.ofPlatform().daemon().name("test-reader").start(() -> {
            try {
                while (true) {
                    Frame f = near.read();
                    if (f instanceof Frame.Reply r) {
                        readerReplies.incrementAndGet();
                        correlator.complete(r);
                    } else {
                        dispatched.add(f);
                    }
                }
            } catch (Exception closed) {
                // the test is over
            }
        });
    }

    @AfterEach
    void close() throws Exception {
        near.close();
        far.close();
        reader.join(5000);
        Files.deleteIfExists(dir.resolve("s"));
        Files.deleteIfExists(dir);
    }

    private Frame readFar() throws Exception {
        java.nio.ByteBuffer len = java.nio.ByteBuffer.allocate(4);
        while (len.hasRemaining()) {
            if (far.read(len) < 0) {
                throw new java.io.EOFException();
            }
        }
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(len.flip().getInt());
        while (body.hasRemaining()) {
            if (far.read(body) < 0) {
                throw new java.io.EOFException();
            }
        }
        return FrameCodec.decode(body.flip());
    }

    private void sendFar(Frame... frames) throws Exception {
        java.nio.ByteBuffer[] bufs = new java.nio.ByteBuffer[frames.length];
        for (int i = 0; i < frames.length; i++) {
            bufs[i] = FrameCodec.encode(frames[i]);
        }
        far.write(bufs); // one write: a message and its reply arrive together, as they often do
        for (java.nio.ByteBuffer b : bufs) {
            while (b.hasRemaining()) {
                far.write(b);
            }
        }
    }

    /** Answers {@code n} requests on its own thread; before each reply it sends a message when {@code withMessage}. */
    private Thread echo(int n, boolean withMessage) {
        return Thread.ofPlatform().daemon().name("test-echo").start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    Frame f = readFar();
                    if (f instanceof Frame.Request r) {
                        Frame reply = new Frame.Reply(r.id(), true, r.payload());
                        if (withMessage) {
                            sendFar(new Frame.Message(r.payload()), reply);
                        } else {
                            sendFar(reply);
                        }
                    }
                }
            } catch (Exception e) {
                // the test fails on its own futures
            }
        });
    }

    /** Waits (actively, bounded) until the reader thread waits. */
    private void awaitReaderWaiting() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!near.readerWaiting()) {
            assertThat(System.nanoTime() - deadline).as("reader thread waiting within 10 s").isNegative();
            Thread.onSpinWait();
        }
    }

    /** Polls as a waiting caller does until {@code f} completes (bounded). */
    private void pollUntilDone(CompletableFuture<?> f, java.util.function.Predicate<Frame> direct) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!f.isDone()) {
            assertThat(System.nanoTime() - deadline).as("reply within 10 s").isNegative();
            near.poll(direct);
            Thread.onSpinWait();
        }
    }

    private final java.util.function.Predicate<Frame> replies = f -> {
        if (f instanceof Frame.Reply r) {
            correlator.complete(r);
            return true;
        }
        return false;
    };

    /**
     * A caller starts polling; then a frame makes the reader thread leave its selector (where it may
     * wait from before) and come back to wait for hand-overs, the callers' turn.
     */
    private void startPolling() throws Exception {
        near.callerPolling(1);
        int before = dispatched.size();
        sendFar(new Frame.Heartbeat());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (dispatched.size() == before) {
            assertThat(System.nanoTime() - deadline).as("heartbeat dispatched within 10 s").isNegative();
            near.poll(replies); // the reader thread may wait for callers already: this one hands the heartbeat over
            Thread.onSpinWait();
        }
        dispatched.clear();
    }


    @Test
    void a_polling_caller_reads_its_reply_and_the_reader_thread_leaves_the_socket_to_it() throws Exception {
        startPolling();
        try {
            for (int i = 0; i < 50; i++) {
                awaitReaderWaiting();
                CompletableFuture<byte[]> f = correlator.request(new byte[] {(byte) i}, Duration.ofSeconds(10));
                Frame.Request r = (Frame.Request) readFar();
                sendFar(new Frame.Reply(r.id(), true, r.payload()));
                pollUntilDone(f, replies);
                assertThat(f.get()).containsExactly((byte) i);
            }
        } finally {
            near.callerPolling(-1);
        }
        assertThat(readerReplies).as("replies completed by the reader thread").hasValue(0);
        assertThat(dispatched).isEmpty();
    }

    @Test
    void a_polling_caller_hands_other_frames_and_the_replies_after_them_to_the_reader_thread() throws Exception {
        startPolling();
        try {
            for (int i = 0; i < 50; i++) {
                awaitReaderWaiting();
                CompletableFuture<Integer> f = correlator.request(new byte[] {(byte) i}, Duration.ofSeconds(10))
                        .thenApply(b -> dispatched.size());
                Frame.Request r = (Frame.Request) readFar();
                sendFar(new Frame.Message(r.payload()), new Frame.Reply(r.id(), true, r.payload()));
                pollUntilDone(f, replies);
                assertThat(f.get()).as("messages dispatched when reply %d completed", i).isEqualTo(i + 1);
            }
        } finally {
            near.callerPolling(-1);
        }
        assertThat(readerReplies).as("replies completed by the reader thread, after their message").hasValue(50);
    }

    @Test
    void replies_and_frames_keep_their_order_whoever_reads_them() throws Exception {
        int n = 2000;
        Thread peer = echo(n, true);
        for (int i = 0; i < n; i++) {
            byte[] payload = {(byte) i, (byte) (i >> 8)};
            int expected = i + 1;
            CompletableFuture<Integer> seen = correlator.request(payload, Duration.ofSeconds(10)).thenApply(r -> dispatched.size());
            assertThat(seen.get(10, TimeUnit.SECONDS)).as("messages dispatched when reply %d completed", i).isEqualTo(expected);
            assertThat(((Frame.Message) dispatched.get(i)).payload()).containsExactly(payload);
        }
        peer.join(5000);
    }

    @Test
    void many_round_trips_complete_exactly_once() throws Exception {
        int n = 5000;
        Thread peer = echo(n, false);
        for (int i = 0; i < n; i++) {
            byte[] payload = {(byte) i};
            assertThat(correlator.request(payload, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS)).containsExactly(payload);
        }
        peer.join(5000);
        assertThat(dispatched).isEmpty();
    }

    @Test
    void a_peer_that_dies_with_unread_bytes_ends_the_stream_it_is_no_protocol_error() throws Exception {
        Path sock = dir.resolve("reset");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            IpcChannel mine = new IpcChannel(SocketChannel.open(UnixDomainSocketAddress.of(sock)), 1 << 20);
            SocketChannel peer = server.accept();
            mine.send(new Frame.Heartbeat()); // the peer never reads it
            peer.close(); // closing with unread bytes resets the connection
            org.assertj.core.api.Assertions.assertThatThrownBy(mine::read).isInstanceOf(java.io.EOFException.class);
            mine.close();
        } finally {
            Files.deleteIfExists(sock);
        }
    }
}

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
    private IpcChannel far; // the peer, driven by the test
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
            far = new IpcChannel(b, 1 << 20);
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

    /** Answers {@code n} requests on its own thread; before each reply it sends a message when {@code withMessage}. */
    private Thread echo(int n, boolean withMessage) {
        return Thread.ofPlatform().daemon().name("test-echo").start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    Frame f = far.read();
                    if (f instanceof Frame.Request r) {
                        if (withMessage) {
                            far.send(new Frame.Message(r.payload()));
                        }
                        far.send(new Frame.Reply(r.id(), true, r.payload()));
                    }
                }
            } catch (Exception e) {
                // the test fails on its own futures
            }
        });
    }

    @Test
    void the_waiting_caller_reads_its_own_reply() throws Exception {
        int n = 5000;
        Thread peer = echo(n, false);
        for (int i = 0; i < n; i++) {
            byte[] payload = {(byte) i};
            assertThat(correlator.request(payload, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS)).containsExactly(payload);
        }
        peer.join(5000);
        int onCaller = n - readerReplies.get();
        // the reader thread completes replies that came back after the spin window; on an idle machine
        // nearly all come back within it, and even on a loaded one the caller tries one wait in 64
        assertThat(onCaller).as("replies read by the waiting caller").isPositive();
        assertThat(dispatched).isEmpty();
    }

    @Test
    void a_frame_before_a_reply_reaches_the_reader_thread_first() throws Exception {
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
}

package dev.brigade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the README says {@code terminate()} ends, and what it does not: a read on an NIO channel
 * ends; a read on a classic Socket does not (the JVM cannot interrupt it) until the socket closes.
 */
@Timeout(60)
class TerminateTest {

    @Test
    void terminate_endsAReadOnASocketChannel() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch reading = new CountDownLatch(1);
            Worker w = Worker.start(ctx -> {
                try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()))) {
                    reading.countDown();
                    ch.read(ByteBuffer.allocate(16));       // the server never writes
                }
            }, WorkerOptions.builder().name("nio-reader").build());
            try (Socket accepted = server.accept()) {
                assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(w.terminate().get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
    }

    @Test
    void terminate_doesNotEndAClassicSocketRead_closingTheSocketDoes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch reading = new CountDownLatch(1);
            Socket[] client = new Socket[1];
            Worker w = Worker.start(ctx -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                     InputStream in = s.getInputStream()) {
                    client[0] = s;
                    reading.countDown();
                    in.read();                              // the server never writes
                }
            }, WorkerOptions.builder().name("socket-reader").terminateGrace(Duration.ofMillis(500)).build());
            try (Socket accepted = server.accept()) {
                assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> w.terminate().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(WorkerException.class).hasMessageContaining("did not stop within 500 ms");
                client[0].close();                          // what ends a classic read
                assertThat(w.exited().get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
    }
}

package dev.brigade.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Closer} on a real non-blocking loopback connection whose buffers are small and whose client reads
 * slowly, so that writes end anywhere, inside response heads too: the app is told exactly the bytes of its own
 * buffers that went out, and the client receives every response whole, each with at most the one edit.
 */
class CloserTest {
    @Test
    void plan_editsOnlyWholeResponseHeads() {
        assertThat(edited("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"))
                .isEqualTo("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(edited("HTTP/1.1 200 OK\r\nconnection:Keep-Alive\r\n\r\n")).isEqualTo("HTTP/1.1 200 OK\r\nconnection:close     \r\n\r\n");
        assertThat(edited("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n")).isEqualTo("HTTP/1.0 200 OK\r\nConnection: close     \r\n\r\n");
        for (String unchanged : List.of("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n",
                "HTTP/1.1 200 OK\r\nConnection: Upgrade\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", // head goes on
                "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: te\r\n\r\n", "hi there, HTTP/1.1 200 OK\r\n\r\n",
                "0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", "HTTP/1.1 2xx OK\r\n\r\n\r\n\r\n")) {
            assertThat(Closer.plan(ascii(unchanged))).as(unchanged).isNull();
        }
    }

    @Test
    @Timeout(120)
    void partialWrites_tellTheAppItsOwnBytes_andEveryResponseArrivesWhole() throws Exception {
        Random random = new Random(13);
        List<byte[]> responses = new ArrayList<>();
        ByteArrayOutputStream expectedBodies = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            byte[] body = new byte[random.nextInt(i % 3 == 0 ? 40_000 : 300)];
            for (int j = 0; j < body.length; j++) {
                body[j] = (byte) ('a' + (i + j) % 26);
            }
            String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + (i % 4 == 1 ? "Connection: keep-alive\r\n" : "")
                    + "Content-Length: " + body.length + "\r\n\r\n";
            ByteArrayOutputStream r = new ByteArrayOutputStream();
            r.write(head.getBytes(StandardCharsets.US_ASCII));
            r.write(body);
            responses.add(r.toByteArray());
            expectedBodies.write(body);
        }
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            SocketChannel client = SocketChannel.open();
            client.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            client.connect(server.getLocalAddress());
            try (client; SocketChannel ch = server.accept()) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
                ch.configureBlocking(false);
                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(client, 1 + random.nextInt(700)));
                Closer closer = new Closer(Set.of(port));
                long partial = 0;
                for (int i = 0; i < responses.size(); i++) {
                    byte[] r = responses.get(i);
                    boolean gathering = i % 2 == 0;
                    int split = Math.min(r.length, 40 + i % 30);
                    ByteBuffer[] bufs = gathering ? new ByteBuffer[] {ByteBuffer.allocate(0), ByteBuffer.wrap(r, 0, split),
                            ByteBuffer.wrap(r, split, r.length - split)} : new ByteBuffer[] {ByteBuffer.wrap(r)};
                    long left = r.length;
                    while (left > 0) {
                        long before = Stream.remaining(bufs);
                        Object n = gathering ? closer.apply(ch, new Object[] {bufs, 0, bufs.length}) : closer.apply(ch, bufs[0]);
                        if (n instanceof Throwable t) {
                            throw new AssertionError("the write failed", t);
                        }
                        long wrote = n == null ? (gathering ? ch.write(bufs) : ch.write(bufs[0])) : ((Number) n).longValue();
                        assertThat(before - Stream.remaining(bufs)).as("the count returned is what left the app's buffers").isEqualTo(wrote);
                        left -= wrote;
                        if (wrote < before) {
                            partial++;
                            Thread.onSpinWait();
                        }
                    }
                }
                ch.shutdownOutput();
                byte[] all = received.get(100, TimeUnit.SECONDS);
                List<String> heads = new ArrayList<>();
                ByteArrayOutputStream bodies = new ByteArrayOutputStream();
                int at = 0;
                while (at < all.length) {
                    int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), at);
                    assertThat(end).as("a head at byte %d", at).isPositive();
                    String head = new String(all, at, end - at, StandardCharsets.US_ASCII);
                    heads.add(head);
                    int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                    bodies.write(all, end + 4, length);
                    at = end + 4 + length;
                }
                assertThat(heads).hasSize(responses.size());
                assertThat(bodies.toByteArray()).isEqualTo(expectedBodies.toByteArray());
                for (String head : heads) {
                    assertThat(head).matches("(?s)HTTP/1\\.1 200 OK\r\n(Connection: close\r\n)?Content-Type: text/plain\r\n"
                            + "(Connection: (close     |keep-alive)\r\n)?Content-Length: \\d+");
                }
                long closed = heads.stream().filter(h -> h.contains("Connection: close")).count();
                System.out.printf("closer: %d responses, %d edited, %d partial writes%n", heads.size(), closed, partial);
                assertThat(closed).as("responses edited").isEqualTo(closer.edited()).isGreaterThan(responses.size() / 2);
                assertThat(partial).as("partial writes happened").isGreaterThan(10);
            }
        }
    }

    private static final class Stream {
        static long remaining(ByteBuffer[] bufs) {
            long n = 0;
            for (ByteBuffer b : bufs) {
                n += b.remaining();
            }
            return n;
        }
    }

    private static byte[] readAll(SocketChannel client, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(chunk);
        try {
            while (client.read(buf.clear()) >= 0) {
                out.write(buf.array(), 0, buf.position());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] a, byte[] what, int from) {
        outer:
        for (int i = from; i <= a.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String edited(String response) {
        ByteBuffer b = ascii(response);
        Closer.Edit e = Closer.plan(b);
        assertThat(e).as(response).isNotNull();
        byte[] rest = response.substring(e.covered()).getBytes(StandardCharsets.US_ASCII);
        return new String(e.head(), StandardCharsets.US_ASCII) + new String(rest, StandardCharsets.US_ASCII);
    }
}

package dev.brigade.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HttpLoadTest {
    private static HttpServer server(int failEvery) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        AtomicInteger n = new AtomicInteger();
        s.createContext("/", ex -> {
            boolean fail = failEvery > 0 && n.incrementAndGet() % failEvery == 0;
            byte[] body = (fail ? "nope" : "worker-a\nmore").getBytes();
            ex.sendResponseHeaders(fail ? 503 : 200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        s.start();
        return s;
    }

    @Test
    void countsSuccessesAndBodies_inBothConnectionModes() throws Exception {
        HttpServer s = server(0);
        try {
            for (boolean keepAlive : new boolean[] {true, false}) {
                HttpLoad.Result r = new HttpLoad("127.0.0.1", s.getAddress().getPort(), "/", 4, keepAlive).run(Duration.ofMillis(500));
                assertThat(r.ok()).isPositive();
                assertThat(r.failed()).isZero();
                assertThat(r.bodies()).containsOnlyKeys("worker-a");
                assertThat(r.maxSharePercent()).isEqualTo(100.0);
                assertThat(r.p50Micros()).isPositive();
            }
        } finally {
            s.stop(0);
        }
    }

    @Test
    void nonSuccessStatusesAndRefusedConnections_areCountedAsFailuresWithTheirReason() throws Exception {
        HttpServer s = server(3);
        try {
            // every third answer is a 503: once 6 requests succeeded, at least 2 failed (however slow the machine)
            HttpLoad load = new HttpLoad("127.0.0.1", s.getAddress().getPort(), "/", 2, true);
            HttpLoad.Result r = load.during(() -> assertThat(load.awaitCompleted(6, Duration.ofSeconds(30))).isTrue());
            assertThat(r.failures()).containsKey("HTTP 503");
            assertThat(r.failed()).isPositive();
        } finally {
            s.stop(0);
        }
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        HttpLoad.Result refused = new HttpLoad("127.0.0.1", closedPort, "/", 1, false).run(Duration.ofMillis(100));
        assertThat(refused.ok()).isZero();
        assertThat(refused.failures().keySet()).anyMatch(k -> k.startsWith("ConnectException"));
    }

    /**
     * A server that answers the first request on each connection, then starts the second response and stalls: the
     * client's read timeout says where it was waiting and keeps the failure whole (time, client port, requests
     * the connection had served), so that it can be matched to a server's logs.
     */
    @Test
    @Timeout(90)
    void aReadTimeout_saysWhereTheResponseStopped_andIsKeptWithTheClientPort() throws Exception {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        java.util.Set<Integer> peers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                while (true) {
                    java.net.Socket c;
                    try {
                        c = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    peers.add(c.getPort());
                    Thread.ofPlatform().daemon().start(() -> stallOnSecondRequest(c, done));
                }
            });
            HttpLoad.Result r = new HttpLoad("127.0.0.1", server.getLocalPort(), "/", 1, true).run(Duration.ofSeconds(1));
            done.countDown();
            assertThat(r.ok()).isPositive();
            assertThat(r.failures()).containsOnlyKeys(
                    "SocketTimeoutException: Read timed out in the headers (27 bytes of the response received)");
            assertThat(r.samples()).hasSize(1).allSatisfy(f -> {
                assertThat(f.served()).isEqualTo(1);
                assertThat(peers).contains(f.localPort());
                assertThat(Duration.between(f.at(), f.failedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
                assertThat(f.toString()).contains("client port " + f.localPort(), "in the headers");
            });
        } finally {
            done.countDown();
        }
    }

    private static void stallOnSecondRequest(java.net.Socket c, java.util.concurrent.CountDownLatch done) {
        try (c) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            OutputStream out = c.getOutputStream();
            for (int request = 0; request < 2; request++) {
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // the request's head: nothing to use
                }
                if (line == null) {
                    return;
                }
                // 27 bytes: the status line (17) and "Content-Le" (10) of the second response
                out.write((request == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : "HTTP/1.1 200 OK\r\nContent-Le")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
            }
            done.await(); // holds the connection open, silent, until the test ends
        } catch (IOException | InterruptedException e) {
            // the client gave up: what the test waits for
        }
    }
}

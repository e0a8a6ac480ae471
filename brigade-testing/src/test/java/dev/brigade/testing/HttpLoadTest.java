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
}

package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.apps.ResponsesApp;
import dev.brigade.agent.support.Jdks;
import dev.brigade.agent.support.Shared;
import dev.brigade.agent.support.Worker;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Once a worker leaves, each response its unmodified app starts on a keep-alive connection accepted on the
 * declared port says {@code Connection: close}, so the client retires the connection instead of sending its
 * next request to an app about to stop; and no response is corrupted by it: bodies (large, chunked, one chunk
 * looking like a response), a response that already says close, an HTTP/1.0 keep-alive one, pipelined requests.
 */
class CloseWhileLeavingTest {
    static final List<String> FRAMEWORKS = List.of("HttpServerApp", "JettyApp", "TomcatApp");

    static Stream<Arguments> jdkAndApp() {
        return Jdks.installed().stream().flatMap(jdk -> FRAMEWORKS.stream().map(app -> Arguments.of(jdk, app)));
    }

    static Stream<Arguments> jdkAndMode() {
        return Jdks.installed().stream().flatMap(jdk -> Stream.of("socket", "channel").map(m -> Arguments.of(jdk, m)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("jdkAndApp")
    @Timeout(90)
    void keepAliveConnection_getsConnectionClose_onceTheWorkerLeaves(Jdks.Jdk jdk, String app) throws Exception {
        try (Shared shared = new Shared(); Worker w = leaving(jdk, app, List.of("127.0.0.1", "0"), shared);
             Socket c = connect(shared.port)) {
            Response before = get(c, "/");
            assertThat(before.connection()).as("before the leave").doesNotContain("close");
            leave(w);
            Response after = get(c, "/");
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.connection()).as("after the leave: %s", after.headers()).containsExactly("close");
            assertThat(after.body()).isEqualTo(before.body());
            c.shutdownOutput(); // what a client does on Connection: close
            assertThat(c.getInputStream().read()).as("the app closes once the client has").isEqualTo(-1);
            assertThat(w.err.snapshot()).noneMatch(l -> l.startsWith("brigade-agent") && l.contains("WARNING"));
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("jdkAndMode")
    @Timeout(90)
    void noResponseIsCorrupted(Jdks.Jdk jdk, String mode) throws Exception {
        try (Shared shared = new Shared(); Worker w = leaving(jdk, "ResponsesApp", List.of("127.0.0.1", "0", mode), shared);
             Socket c = connect(shared.port); Socket pipelined = connect(shared.port); Socket plain = connect(shared.port)) {
            String pid = get(c, "/").body();
            assertThat(get(c, "/").connection()).isEmpty();
            leave(w);

            Response r = get(c, "/");
            assertThat(r.connection()).containsExactly("close");
            assertThat(r.headers().get(1)).as("inserted after the status line").isEqualTo("Connection: close");
            assertThat(r.headers()).contains("Content-Type: text/plain", "Content-Length: " + pid.length());
            assertThat(r.body()).isEqualTo(pid);

            r = get(c, "/large");
            assertThat(r.connection()).containsExactly("close");
            assertThat(r.body()).isEqualTo(new String(ResponsesApp.large(), StandardCharsets.US_ASCII));

            r = get(c, "/chunked");
            assertThat(r.connection()).containsExactly("close");
            assertThat(r.body()).isEqualTo(String.join("", ResponsesApp.chunks()));

            r = get(c, "/keepalive");
            assertThat(r.connection()).as("keep-alive said close, same length").containsExactly("close");
            assertThat(r.headers()).contains("Connection: close     ");
            assertThat(r.body()).isEqualTo(pid);

            r = get(c, "/http10");
            assertThat(r.statusLine()).startsWith("HTTP/1.0 200");
            assertThat(r.connection()).containsExactly("close");
            assertThat(r.body()).isEqualTo(pid);

            r = get(c, "/close");
            assertThat(r.headers()).as("already close: unchanged").filteredOn(h -> h.startsWith("Connection")).containsExactly("Connection: close");
            assertThat(r.body()).isEqualTo(pid);
            assertThat(c.getInputStream().read()).isEqualTo(-1);

            pipelined.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /large HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(pipelined.getInputStream());
            assertThat(Response.read(in).body()).isEqualTo(pid);
            assertThat(Response.read(in).body()).isEqualTo(new String(ResponsesApp.large(), StandardCharsets.US_ASCII));
            assertThat(Response.read(in).body()).isEqualTo(String.join("", ResponsesApp.chunks()));

            plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            r = Response.read(new BufferedInputStream(plain.getInputStream()));
            assertThat(r.body()).isEqualTo(pid);
            assertThat(w.err.snapshot()).noneMatch(l -> l.startsWith("brigade-agent") && l.contains("WARNING"));
        }
    }

    private static Worker leaving(Jdks.Jdk jdk, String app, List<String> args, Shared shared) throws Exception {
        List<String> all = new ArrayList<>(List.of(app));
        all.addAll(args);
        all.set(2, Integer.toString(shared.port));
        Worker w = Worker.start(new Worker.Spec(jdk.java(), "LeaveOnHup", all, shared.listenFds(), List.of(shared.fd), true));
        w.awaitReady();
        return w;
    }

    private static void leave(Worker w) throws Exception {
        w.signal(1); // SIGHUP: LeaveOnHup calls the agent's leave hook
        String left = w.out.await(l -> l.startsWith("LEFT "), Duration.ofSeconds(30));
        assertThat(left).contains("responses say Connection: close");
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(20_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return s;
    }

    private static Response get(Socket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return Response.read(s.getInputStream());
    }

    /** One response read strictly: Content-Length or chunked, nothing more. */
    record Response(String statusLine, List<String> headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        /** The trimmed values of the Connection headers. */
        List<String> connection() {
            return headers.stream().filter(h -> h.regionMatches(true, 0, "Connection:", 0, 11)).map(h -> h.substring(11).trim()).toList();
        }

        static Response read(InputStream in) throws IOException {
            List<String> headers = new ArrayList<>();
            String line;
            while (!(line = line(in)).isEmpty()) {
                headers.add(line);
            }
            assertThat(headers.get(0)).matches("HTTP/1\\.[01] \\d{3} .*");
            int length = -1;
            boolean chunked = false;
            for (String h : headers.subList(1, headers.size())) {
                assertThat(h).as("a header line").matches("[A-Za-z-]+: ?.*");
                if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(h.substring(15).trim());
                } else if (h.regionMatches(true, 0, "Transfer-Encoding:", 0, 18)) {
                    chunked = h.substring(18).trim().equalsIgnoreCase("chunked");
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int n; (n = Integer.parseInt(line(in).trim(), 16)) > 0; ) {
                    body.write(exactly(in, n));
                    assertThat(line(in)).isEmpty();
                }
                assertThat(line(in)).isEmpty();
            } else {
                assertThat(length).as("Content-Length in %s", headers).isNotNegative();
                body.write(exactly(in, length));
            }
            return new Response(headers.get(0), headers, body.toString(StandardCharsets.US_ASCII));
        }

        private static byte[] exactly(InputStream in, int n) throws IOException {
            byte[] b = in.readNBytes(n);
            assertThat(b.length).as("body bytes").isEqualTo(n);
            return b;
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("stream ended in a line: " + sb);
                }
                sb.append((char) c);
            }
            assertThat(sb.length()).as("CRLF").isPositive();
            assertThat(sb.charAt(sb.length() - 1)).isEqualTo('\r');
            return sb.substring(0, sb.length() - 1);
        }
    }
}

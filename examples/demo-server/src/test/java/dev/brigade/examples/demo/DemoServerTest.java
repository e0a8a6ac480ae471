package dev.brigade.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DemoServerTest {
    /** One HTTP/1.1 exchange on an open connection: returns the status line, headers and body. */
    private static List<String> get(Socket s, String path) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        int length = 0;
        String line;
        while (!(line = in.readLine()).isEmpty()) {
            lines.add(line);
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int n = 0;
        while (n < length) {
            n += in.read(body, n, length - n);
        }
        lines.add(new String(body));
        return lines;
    }

    @ParameterizedTest(name = "blocking accept: {0}")
    @ValueSource(booleans = {true, false})
    void servesHelloAndHash_onAKeepAliveConnection(boolean blockingAccept) throws Exception {
        try (DemoServer server = new DemoServer("127.0.0.1", 0, 1, blockingAccept);
             Socket s = new Socket("127.0.0.1", server.port())) {
            List<String> hello = get(s, "/");
            assertThat(hello.get(0)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(hello.get(hello.size() - 1)).isEqualTo("hello from " + ProcessHandle.current().pid() + "\n");
            List<String> hash = get(s, "/hash?pw=secret");
            assertThat(hash.get(hash.size() - 1)).matches("[0-9a-f]{64}");
            assertThat(get(s, "/nope").get(0)).isEqualTo("HTTP/1.1 404 Not Found");
        }
    }

    @ParameterizedTest(name = "blocking accept: {0}")
    @ValueSource(booleans = {true, false})
    void whileDraining_itRefusesNewConnections_butAnswersKeepAliveRequestsWithConnectionClose(boolean blockingAccept)
            throws Exception {
        DemoServer server = new DemoServer("127.0.0.1", 0, 1, blockingAccept);
        int port = server.port();
        try (Socket s = new Socket("127.0.0.1", port)) {
            assertThat(get(s, "/").get(0)).isEqualTo("HTTP/1.1 200 OK");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
                try {
                    server.close();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // the listener closes first: wait until a new connection is refused
            boolean refused = false;
            while (!refused) {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                } catch (ConnectException e) {
                    refused = true;
                } catch (java.net.SocketException e) {
                    // reset: the probe was queued on the listener as it closed (no other process shares it here)
                }
            }
            List<String> last = get(s, "/");
            assertThat(last.get(0)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(last).anySatisfy(h -> assertThat(h.toLowerCase()).isEqualTo("connection: close"));
            assertThat(s.getInputStream().read()).as("the server closed the connection after that response").isEqualTo(-1);
            closing.get();
        }
    }

    @Test
    void asAProgram_itKeepsServingAfterMainReturns_andExitsOnSigterm() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), DemoServer.class.getName(), "0")
                .redirectErrorStream(true).start();
        try {
            // every line the server prints is kept (a reader thread drains it until the process ends)
            List<String> printed = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            var listening = new java.util.concurrent.CompletableFuture<String>();
            Thread reader = new Thread(() -> {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                try {
                    for (String l = out.readLine(); l != null; l = out.readLine()) {
                        printed.add(l);
                        if (l.contains("listening on")) {
                            listening.complete(l);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the process was killed
                }
                listening.complete(null);
            });
            reader.start();
            String line = listening.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(line).as("the server's start-up line in %s", printed).isNotNull();
            int port = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
            try (Socket s = new Socket("127.0.0.1", port)) {
                List<String> hello = get(s, "/");
                assertThat(hello.get(0)).isEqualTo("HTTP/1.1 200 OK");
            }
            p.destroy();
            assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            reader.join(10_000);
            // JDK 24+: no "terminally deprecated method in sun.misc.Unsafe" warnings from Netty in the app's log
            assertThat(printed).as("everything the server printed").noneMatch(l -> l != null && l.contains("sun.misc.Unsafe"));
        } finally {
            p.destroyForcibly();
        }
    }
}

package dev.brigade.bench.manager;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The Java twin of the Node hello app PM2 starts in {@code manager.start_listening_ms}: the
 * platform's own HTTP server on {@code $PORT} (127.0.0.1), answering "hello from PID". Run
 * unchanged by {@code brigade start --port}: the agent hands it the shared socket.
 */
public final class JdkHello {
    private JdkHello() {
    }

    public static void main(String[] args) throws IOException {
        byte[] body = ("hello from " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 128);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }
}

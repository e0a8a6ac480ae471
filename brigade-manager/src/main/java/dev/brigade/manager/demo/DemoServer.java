package dev.brigade.manager.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.brigade.examples.demo.HashWork;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The demo's HTTP server on 127.0.0.1 (port 0): {@code /cheap} answers at once, {@code /hash}
 * does ~5 ms of PBKDF2 either inline on the request thread or on Brigade workers. It has as many
 * request threads as the machine has cores, like a typical tuned server.
 */
final class DemoServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService requestThreads;

    DemoServer(HashWork work, HashWorkers workers) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        requestThreads = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        server.setExecutor(requestThreads);
        server.createContext("/cheap", ex -> reply(ex, "ok"));
        server.createContext("/hash", ex -> {
            String password = ex.getRequestURI().getQuery();
            if (workers == null) {
                reply(ex, work.hash(password));
            } else {
                CompletableFuture<String> f = workers.hash(password);
                f.whenComplete((h, err) -> {
                    try {
                        reply(ex, err == null ? h : "error: " + err);
                    } catch (IOException ignored) {
                        // the client went away; the load driver counts its own failures
                    }
                });
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        requestThreads.shutdownNow();
        requestThreads.awaitTermination(5, TimeUnit.SECONDS);
    }
}

package dev.brigade.manager.cli;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A server on $PORT; with an argument, it takes its time: listens only after that many milliseconds. */
public final class LateApp {
    private LateApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            Thread.sleep(Long.parseLong(args[0])); // the app's own slow start-up, not a test's synchronisation
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(System.getenv("PORT"))), 0);
        server.createContext("/", x -> {
            byte[] body = "late but here".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
    }
}

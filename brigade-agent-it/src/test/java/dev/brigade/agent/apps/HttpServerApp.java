package dev.brigade.agent.apps;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

/** An unmodified JDK HttpServer app: answers {@code pid=<pid>}. Args: host port. */
public final class HttpServerApp {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 0);
        byte[] body = Apps.body();
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        Apps.ready(server.getAddress().getPort());
    }
}

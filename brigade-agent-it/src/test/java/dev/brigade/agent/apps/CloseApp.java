package dev.brigade.agent.apps;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

/** Adopts the socket, serves, then stops its server (as a draining worker does) and stays alive. Args: host port. */
public final class CloseApp {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 0);
        server.start();
        server.stop(0);
        System.out.println("CLOSED");
        System.out.flush();
        Thread.currentThread().join();
    }
}

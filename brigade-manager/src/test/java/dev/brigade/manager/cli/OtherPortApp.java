package dev.brigade.manager.cli;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/** A server that ignores PORT and binds the port its first argument names (as a Spring Boot jar binds 8080). */
public final class OtherPortApp {
    private OtherPortApp() {
    }

    public static void main(String[] args) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
        System.out.println("serving " + server.getLocalAddress());
        System.out.flush();
        while (true) {
            server.accept().close();
        }
    }
}

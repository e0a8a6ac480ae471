package dev.brigade.agent.apps;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A plain blocking java.net.ServerSocket server, one connection at a time. Args: host port. */
public final class ServerSocketApp {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 50);
            Apps.ready(server.getLocalPort());
            while (true) {
                try (Socket s = server.accept()) {
                    Apps.serve(s.getInputStream(), s.getOutputStream());
                }
            }
        }
    }
}

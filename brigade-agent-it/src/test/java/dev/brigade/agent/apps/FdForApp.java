package dev.brigade.agent.apps;

import dev.brigade.agent.InheritedSockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** An app on a native transport: takes the socket with fdFor; a later JDK bind must not adopt it again. Args: port. */
public final class FdForApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int fd = InheritedSockets.fdFor(port);
        System.out.println("fd=" + fd + " " + Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
        System.out.println("again=" + InheritedSockets.fdFor(port));
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", port));
            System.out.println("bind=adopted");
        } catch (IOException e) {
            System.out.println("bind=" + e.getClass().getSimpleName());
        }
        System.out.println("DONE");
    }
}

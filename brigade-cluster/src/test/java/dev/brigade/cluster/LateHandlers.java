package dev.brigade.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker program (explicit entry) that uses the worker API late: it waits for the file named by its
 * argument, and only then calls {@code Cluster.create()}, taking over the IPC connection brigade-agent
 * made before its main ran, and registers its handlers: "ping" is answered "pong:ping", a message X is
 * sent back as "echo:X".
 */
public final class LateHandlers {
    private LateHandlers() {
    }

    public static void main(String[] args) throws Exception {
        Path go = Path.of(args[0]);
        try (java.nio.file.WatchService ws = go.getFileSystem().newWatchService()) {
            go.getParent().register(ws, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            while (!Files.exists(go)) { // checked after registering: a file created in between is not missed
                ws.take().reset();
            }
        }
        WorkerProcess self = Cluster.create().self();
        self.onRequest(msg -> "pong:" + msg);
        self.onMessage(msg -> self.send("echo:" + msg));
    }
}

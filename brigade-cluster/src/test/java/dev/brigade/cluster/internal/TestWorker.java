package dev.brigade.cluster.internal;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.WorkerProcess;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The worker program of the tests: answers requests ("ping", "pid", "env", "fds", "grandchild",
 * "ask-primary") and obeys messages ("exit:N", "raw:HEX", "alloc:MB", "flood:N", "listening:PORT",
 * "echo:X"). Runs as an explicit entry (through the launcher) or as the same program.
 */
public final class TestWorker {
    static final List<byte[]> HOLD = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].startsWith("boot-fail-if:") && java.nio.file.Files.exists(java.nio.file.Path.of(args[0].substring(13)))) {
            System.err.println("broken on purpose: " + args[0]);
            System.exit(78); // a new app version that cannot start
        }
        Cluster cluster = Cluster.create();
        WorkerProcess self = cluster.self();
        if (args.length > 0 && args[0].startsWith("exit-at-start:")) {
            System.exit(Integer.parseInt(args[0].substring(14)));
        }
        if (args.length > 0 && args[0].equals("return-at-start")) {
            System.out.println("main returns");
            return;   // no handler, no thread of its own: the JVM ends, as without Brigade
        }
        if (args.length > 0 && args[0].startsWith("throw-at-start:")) {
            Thread.ofPlatform().name("app-non-daemon").start(() -> {   // a plain JVM would wait for it
                while (true) {
                    java.util.concurrent.locks.LockSupport.park();
                }
            });
            throw new IllegalStateException(args[0].substring(15));
        }
        if (args.length > 0 && args[0].startsWith("drain-until:")) {
            Path go = Path.of(args[0].substring(12));
            self.onDisconnect(() -> {
                System.out.println("draining");   // in-flight work, which ends when the test creates the file
                System.out.flush();
                awaitFile(go);
                System.out.println("drained");
                System.out.flush();
            });
        }
        self.onRequest(TestWorker::answer);
        self.onMessage(msg -> obey(self, (String) msg));
    }

    /** Waits, without polling, until {@code file} exists. */
    static void awaitFile(Path file) {
        try (java.nio.file.WatchService ws = file.getFileSystem().newWatchService()) {
            file.getParent().register(ws, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            while (!Files.exists(file)) {     // checked after registering: a file created in between is not missed
                ws.take().reset();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Object answer(Object req) {
        String r = (String) req;
        try {
            return switch (r) {
                case "ping" -> "pong";
                case "pid" -> ProcessHandle.current().pid();
                case "env" -> Map.of("id", System.getenv("BRIGADE_WORKER_ID"), "instance", System.getenv("BRIGADE_INSTANCE"));
                case "ports" -> Map.of("fds", String.valueOf(System.getenv("BRIGADE_LISTEN_FDS")), "port", String.valueOf(System.getenv("PORT")));
                case "fds" -> fds();
                case "grandchild" -> new ProcessBuilder("sleep", "120").start().pid();
                case "call-service" -> Cluster.create().callService("upper", "abc", Duration.ofSeconds(5)); // a future: never block the IPC reader
                case "call-missing-service" -> Cluster.create().callService("nope", "abc", Duration.ofSeconds(5));
                case "ask-primary" -> Cluster.create().self().request("from-worker", Duration.ofSeconds(5));
                case "fail" -> throw new IllegalStateException("failing on purpose");
                default -> throw new IllegalArgumentException("unknown request " + r);
            };
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void obey(WorkerProcess self, String msg) {
        String[] p = msg.split(":", 2);
        switch (p[0]) {
            case "exit" -> System.exit(Integer.parseInt(p[1]));
            case "raw" -> {
                try {
                    WorkerRuntime.connect(null).channel().writeRaw(ByteBuffer.wrap(HexFormat.of().parseHex(p[1])));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            case "alloc" -> {
                for (int i = 0; i < Integer.parseInt(p[1]); i++) {
                    byte[] mb = new byte[1024 * 1024];
                    java.util.Arrays.fill(mb, (byte) 1);
                    HOLD.add(mb);
                }
                self.send("allocated");
            }
            case "flood" -> {
                String line = "x".repeat(100);
                for (int i = 0; i < Integer.parseInt(p[1]); i++) {
                    System.out.println(line);
                }
                self.send("flooded");
            }
            case "listening" -> self.listening(new InetSocketAddress("127.0.0.1", Integer.parseInt(p[1])));
            case "echo" -> self.send(p[1]);
            case "ask-blocking" -> { // a blocking call answered over this channel, from inside a handler
                Object reply = self.request("from-worker", Duration.ofSeconds(20)).join();
                self.send("asked: " + reply);
            }
            case "block" -> { // blocks the handlers: messages queue up in the inbox, then the reader stops reading
                try {
                    new java.util.concurrent.CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> System.err.println("unknown message " + msg);
        }
    }

    static List<String> fds() throws java.io.IOException {
        List<String> out = new ArrayList<>();
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : s.toList()) {
                try {
                    out.add(fd.getFileName() + " " + Files.readSymbolicLink(fd));
                } catch (java.io.IOException gone) {
                    // the listing's own descriptor
                }
            }
        }
        return out;
    }
}

package dev.brigade.bench.ports;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.brigade.bench.NodePeer;
import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.StartupProfile;
import dev.brigade.cluster.ProcessEntry;
import dev.brigade.examples.demo.DemoServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Starts the servers the ports suite compares, each on a loopback port, and stops them. */
final class Servers {
    private static final String CP = System.getProperty("java.class.path");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private Servers() {
    }

    /**
     * A Brigade cluster of the unmodified demo server, every worker listening. The workers run with the
     * JVM's defaults, like {@link #singleJvm}: the comparison is of one process against several, not of
     * JVM flags (the SMALL profile's C1-only JIT would cost throughput).
     */
    static Cluster cluster(int workers) throws InterruptedException {
        java.util.Deque<String> tail = new java.util.concurrent.ConcurrentLinkedDeque<>();
        Cluster c = Cluster.create(ClusterSettings.builder().profile(StartupProfile.JVM_DEFAULTS)
                .entry(ProcessEntry.mainClass(DemoServer.class.getName(), CP))
                .instances(workers).listen("127.0.0.1", 0).shutdownHook(false)
                .killTimeout(Duration.ofSeconds(10)).output(line -> {
                    tail.add(line.toString());
                    if (tail.size() > 20) {
                        tail.poll();
                    }
                }).build());
        CountDownLatch listening = new CountDownLatch(workers);
        c.on(ClusterEvent.Listening.class, e -> listening.countDown());
        c.fork();
        if (!listening.await(60, TimeUnit.SECONDS)) {
            c.close();
            throw new IllegalStateException("the cluster's workers did not all listen within 60 s; their last lines:\n  "
                    + String.join("\n  ", tail));
        }
        return c;
    }

    /** One JVM of the same server with {@code threads} event loops. */
    static Process singleJvm(int port, int threads) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(JAVA, "-cp", CP, DemoServer.class.getName(), Integer.toString(port),
                "--threads", Integer.toString(threads)).redirectErrorStream(true).start();
        awaitLine(p, "listening on");
        return p;
    }

    /** Node's cluster module with {@code workers} workers; returns the process and its port. */
    static Map.Entry<Process, Integer> nodeCluster(int workers) throws IOException, InterruptedException {
        Path script = NodePeer.script("ports.js");
        Process p = new ProcessBuilder("node", script.toString(), "cluster", Integer.toString(workers), "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String line = awaitLine(p, "{");
        int port = new ObjectMapper().readTree(line).get("port").asInt();
        return Map.entry(p, port);
    }

    /** A free loopback port (for servers that cannot report the one they bound). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until something accepts on the port. */
    static void awaitPort(int port, Duration limit) throws InterruptedException, IOException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20); // polling a port another program opens: there is no event to wait on
            }
        }
        throw new IOException("nothing listens on port " + port + " after " + limit.toSeconds() + " s");
    }

    static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private static String awaitLine(Process p, String marker) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.contains(marker)) {
                return line;
            }
        }
        throw new IOException("the server exited before printing \"" + marker + "\"");
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

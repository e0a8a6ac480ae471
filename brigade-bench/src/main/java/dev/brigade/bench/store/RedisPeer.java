package dev.brigade.bench.store;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Redis peer of {@code brigade bench store}: a redis-server from PATH started on a free
 * loopback port for the run (no persistence), and redis-benchmark against it when installed.
 * Missing tools mean missing peers, never invented figures.
 */
final class RedisPeer implements AutoCloseable {
    private final Process server;
    private final int port;

    private RedisPeer(Process server, int port) {
        this.server = server;
        this.port = port;
    }

    /** A fresh redis-server on loopback, or empty (with the reason on stderr) if none can start. */
    static Optional<RedisPeer> start() {
        Optional<Path> bin = onPath("redis-server");
        if (bin.isEmpty()) {
            System.err.println("store: redis-server is not on PATH; the redis peer and store.redis_ops_ratio are left out");
            return Optional.empty();
        }
        int port = freePort();
        try {
            Process p = new ProcessBuilder(bin.get().toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!accepts(port)) { // readiness = accepting connections; bounded
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    System.err.println("store: redis-server did not start on port " + port + "; the redis peer is left out");
                    return Optional.empty();
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
            return Optional.of(new RedisPeer(p, port));
        } catch (IOException e) {
            System.err.println("store: cannot run redis-server (" + e.getMessage() + "); the redis peer is left out");
            return Optional.empty();
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    String version() {
        return run(List.of(onPath("redis-server").orElseThrow().toString(), "--version"), Duration.ofSeconds(10)).trim();
    }

    /**
     * redis-benchmark's requests/s for one test ({@code get}, {@code incr}...), or empty if it
     * is not installed or fails.
     */
    Optional<Double> benchmark(String test, int requests, int clients, int pipeline) {
        Optional<Path> bin = onPath("redis-benchmark");
        if (bin.isEmpty()) {
            return Optional.empty();
        }
        String csv = run(List.of(bin.get().toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-t", test,
                "-n", Integer.toString(requests), "-c", Integer.toString(clients), "-P", Integer.toString(pipeline),
                "--csv"), Duration.ofMinutes(1));
        for (String line : csv.split("\n")) { // "GET","123456.79",...
            String[] cols = line.replace("\"", "").split(",");
            if (cols.length > 1 && cols[0].equalsIgnoreCase(test)) {
                try {
                    return Optional.of(Double.parseDouble(cols[1]));
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        System.err.println("store: redis-benchmark -t " + test + " gave no figure: " + csv.strip());
        return Optional.empty();
    }

    @Override
    public void close() {
        server.destroyForcibly();
        try {
            server.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean benchmarkInstalled() {
        return onPath("redis-benchmark").isPresent();
    }

    private static String run(List<String> cmd, Duration limit) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}

package dev.brigade.store;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server on a free loopback port, for tests: the system's {@code redis-server} if
 * it is on PATH, else the binary that {@code com.github.codemonstur:embedded-redis} ships (a
 * test dependency; {@code BRIGADE_TEST_REDIS=bundled} forces it). No persistence. Start-up waits for "Ready to accept connections" on the
 * server's output, never on time; {@link #kill()} is SIGKILL, {@link #restart()} uses the same
 * port. If no server can start, {@link #start()} fails with the reason: tests never skip silently.
 *
 * <p>Other modules can copy this class (it depends on nothing but the JDK and, for the bundled
 * binary, embedded-redis on the test class path).
 */
public final class RedisServerProcess implements AutoCloseable {
    private static final String READY = "Ready to accept connections";
    private static Path extracted; // guarded by RedisServerProcess.class: one copy per JVM
    private final Path binary;
    private final int port;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;

    private RedisServerProcess(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** Starts a server on a free loopback port. */
    public static RedisServerProcess start() {
        RedisServerProcess r = new RedisServerProcess(binary(), freePort());
        r.launch();
        return r;
    }

    /** A loopback port nobody listens on (for "Redis is down" tests). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server with SIGKILL and waits for it to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again on the same port (after {@link #kill()}), empty. */
    public void restart() {
        launch();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private void launch() {
        output.clear();
        try {
            process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Process p = process;
        Thread reader = new Thread(() -> drain(p, ready), "redis-server-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("redis-server (" + binary + ") did not become ready on port " + port
                    + " within 15 s; its output:\n" + String.join("\n", output), e);
        }
    }

    private void drain(Process p, CompletableFuture<Void> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                output.add(line);
                if (line.contains(READY)) {
                    ready.complete(null);
                }
            }
        } catch (IOException ignored) {
            // the process is gone; the check below reports it
        }
        ready.completeExceptionally(new IllegalStateException("redis-server's output ended (alive: " + p.isAlive() + ")"));
    }

    /** The system's redis-server, else the one bundled in embedded-redis, extracted once per JVM. */
    static synchronized Path binary() {
        boolean bundledOnly = "bundled".equals(System.getenv("BRIGADE_TEST_REDIS")); // to test the fallback
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (!bundledOnly && !dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        if (extracted != null) {
            return extracted;
        }
        String resource = bundledName();
        try (InputStream in = ClassLoader.getSystemClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on PATH and no " + resource + " on the class path:"
                        + " install redis-server or add com.github.codemonstur:embedded-redis as a test dependency");
            }
            Path out = Files.createTempFile("brigade-redis-server-", "");
            out.toFile().deleteOnExit();
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            if (!out.toFile().setExecutable(true)) {
                throw new IllegalStateException("cannot make " + out + " executable");
            }
            extracted = out;
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract " + resource + ": " + e.getMessage(), e);
        }
    }

    private static String bundledName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IllegalStateException("no bundled redis-server for " + os + "/" + arch + ": install redis-server");
    }
}

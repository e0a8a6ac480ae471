package dev.brigade.bench.ports;

import dev.brigade.bench.NodePeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PM2 as a peer: the Node hello server in PM2's cluster mode, with a private PM2_HOME so the
 * user's own PM2 is never touched. Available when node and npm are (PM2 is installed once into
 * the bench's Node cache).
 */
final class Pm2 implements AutoCloseable {
    private final Path home;
    private final Path bin;
    final int port;

    private Pm2(Path home, Path bin, int port) {
        this.home = home;
        this.bin = bin;
        this.port = port;
    }

    /** Starts {@code workers} instances of the hello app, or returns null (with a note) if PM2 cannot run. */
    static Pm2 start(int workers) {
        if (!NodePeer.available() || !NodePeer.ensurePackages("pm2@5")) {
            return null;
        }
        Pm2 pm2 = null;
        try {
            Path bin = NodePeer.cacheDir().resolve("node_modules/pm2/bin/pm2");
            pm2 = new Pm2(Files.createTempDirectory("brigade-bench-pm2-"), bin, Servers.freePort());
            pm2.run("start", NodePeer.script("ports.js").toString(), "-i", Integer.toString(workers), "--name", "hello", "--", "app");
            Servers.awaitPort(pm2.port, Duration.ofSeconds(30));
            return pm2;
        } catch (IOException | InterruptedException e) {
            System.err.println("bench ports: the pm2 peer is left out: " + e.getMessage());
            if (pm2 != null) {
                pm2.close();
            }
            return null;
        }
    }

    /** {@code pm2 reload hello}: PM2's zero-downtime reload. */
    void reload() throws IOException, InterruptedException {
        run("reload", "hello");
    }

    private void run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("node", bin.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PM2_HOME", home.toString());
        pb.environment().put("PORT", Integer.toString(port));
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("pm2 " + String.join(" ", args) + " failed");
        }
    }

    @Override
    public void close() {
        try {
            run("kill");
            Servers.deleteTree(home);
        } catch (IOException | InterruptedException e) {
            System.err.println("bench ports: pm2 kill failed: " + e.getMessage());
        }
    }
}

package dev.brigade.bench.ports;

import dev.brigade.testing.HttpLoad;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throughput is measured with wrk when it is installed (it costs the machine least, and it is
 * what the peers' figures are usually quoted with), else with {@link HttpLoad}; the same tool
 * for every server of a run. Failures are always counted with {@link HttpLoad}, which never
 * retries and names each failure.
 */
final class Load {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private final boolean wrk;

    Load() {
        wrk = isOnPath("wrk");
    }

    String tool() {
        return wrk ? "wrk -t1 -c64" : "HttpLoad, 64 keep-alive connections";
    }

    /** Requests per second against 127.0.0.1:port, keep-alive, 64 connections. */
    double rps(int port, Duration d) throws IOException, InterruptedException {
        if (!wrk) {
            return new HttpLoad("127.0.0.1", port, "/", 64, true).run(d).requestsPerSecond();
        }
        Process p = new ProcessBuilder("wrk", "-t1", "-c64", "-d" + Math.max(1, d.toSeconds()) + "s", "http://127.0.0.1:" + port + "/")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(d.toSeconds() + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish");
        }
        Matcher m = RPS.matcher(out);
        if (!m.find()) {
            throw new IOException("wrk printed no Requests/sec: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static boolean isOnPath(String command) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(":")).stream()
                .anyMatch(d -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, command)));
    }
}

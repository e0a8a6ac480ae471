package dev.brigade.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine a bench ran on, as reported in every table and JSON object.
 *
 * @param cores available processors
 * @param java  the running JVM's version, e.g. {@code 25.0.3}
 * @param node  {@code node --version} (e.g. {@code v20.20.2}), or null when node is not on PATH
 * @param os    OS name and version, e.g. {@code Linux 6.18.0}
 */
public record Machine(int cores, String java, String node, String os) {

    /** Describes the current machine; runs {@code node --version} (bounded to 10 s) if node is on PATH. */
    public static Machine current() {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                Runtime.version().toString(),
                nodeVersion().orElse(null),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    static Optional<String> nodeVersion() {
        if (!NodePeer.available()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            try (InputStream in = p.getInputStream()) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return Optional.empty();
                }
                String v = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                return p.exitValue() == 0 && !v.isEmpty() ? Optional.of(v) : Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

package dev.brigade.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node side of a comparison: a script shipped in this jar under {@code /node/},
 * whose stdout is one JSON document.
 *
 * <p>Scripts are copied into the cache directory ({@code $XDG_CACHE_HOME/brigade/node}, else
 * {@code ~/.cache/brigade/node}) before they run, so that both {@code require} and
 * {@code import} find the packages {@link #ensurePackages} installed there. A peer that cannot
 * run is reported missing by the caller, never invented.
 */
public final class NodePeer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How long {@code npm install} may take before the peer is declared missing. */
    static final Duration NPM_TIMEOUT = Duration.ofSeconds(180);

    /** Package specs installed (or found installed) by this JVM, and those whose install failed. */
    private static final Set<String> INSTALLED = ConcurrentHashMap.newKeySet();
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();

    private static volatile Boolean available;

    private NodePeer() {
    }

    /** Whether {@code node} is an executable on PATH (checked once per JVM). */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            a = onPath("node");
            available = a;
        }
        return a;
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, command))
                .anyMatch(p -> Files.isRegularFile(p) && Files.isExecutable(p));
    }

    /** The directory holding the peers' scripts and node_modules. */
    public static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("brigade").resolve("node");
    }

    /**
     * Runs {@code node <script> <args...>} and parses its stdout as JSON.
     *
     * @param script  a resource name under {@code /node/}, e.g. {@code workers-rtt.mjs}
     * @param timeout the script is killed after this long
     * @throws IOException when node is missing, the script fails or times out, or prints no JSON;
     *                     the message names the script and carries the tail of its stderr
     */
    public static JsonNode run(String script, Duration timeout, String... args) throws IOException, InterruptedException {
        if (!available()) {
            throw new IOException("node is not on PATH; cannot run " + script);
        }
        Path file = extract(script);
        List<String> command = new ArrayList<>(List.of("node", file.toString()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("brigade-node-", ".out");
        Path stderr = Files.createTempFile("brigade-node-", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(cacheDir().toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException("node " + script + " timed out after " + timeout.toSeconds() + " s" + tail(stderr));
            }
            if (p.exitValue() != 0) {
                throw new IOException("node " + script + " exited with " + p.exitValue() + tail(stderr));
            }
            String text = Files.readString(stdout, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                throw new IOException("node " + script + " printed nothing on stdout" + tail(stderr));
            }
            try {
                return MAPPER.readTree(text);
            } catch (IOException e) {
                throw new IOException("node " + script + " did not print JSON: "
                        + abbreviate(text.strip(), 200) + tail(stderr), e);
            }
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /**
     * Makes sure the npm packages (e.g. {@code "piscina@5"}) are installed in {@link #cacheDir()},
     * running {@code npm install} at most once per JVM and only when they are not there yet
     * (saved in the cache directory's package.json, so a later install does not prune them).
     * On failure (no npm, no network, timeout) prints one line to stderr and returns false:
     * the caller leaves that peer out.
     */
    public static boolean ensurePackages(String... specs) {
        List<String> wanted = Arrays.stream(specs).filter(s -> !INSTALLED.contains(s)).toList();
        if (wanted.isEmpty()) {
            return true;
        }
        if (wanted.stream().anyMatch(FAILED::contains)) {
            return false;
        }
        String what = String.join(" ", wanted);
        if (!onPath("npm")) {
            return fail(wanted, "npm is not on PATH");
        }
        Path dir = cacheDir();
        try {
            Files.createDirectories(dir);
            // One installer at a time across bench JVMs sharing the cache.
            try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                Path marker = dir.resolve("installed.txt");
                Set<String> done = Files.exists(marker)
                        ? new HashSet<>(Files.readAllLines(marker, StandardCharsets.UTF_8)) : new HashSet<>();
                List<String> missing = wanted.stream()
                        .filter(s -> !done.contains(s) || !Files.isDirectory(dir.resolve("node_modules").resolve(packageName(s))))
                        .toList();
                if (!missing.isEmpty()) {
                    System.err.println("bench: installing " + String.join(" ", missing) + " for the Node peers (npm, once, into " + dir + ")");
                    List<String> cmd = new ArrayList<>(List.of("npm", "install", "--prefix", dir.toString(),
                            "--no-audit", "--no-fund", "--loglevel=error"));
                    cmd.addAll(missing);
                    Path log = Files.createTempFile("brigade-npm-", ".log");
                    try {
                        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                                .redirectOutput(log.toFile()).start();
                        p.getOutputStream().close();
                        if (!p.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                            p.descendants().forEach(ProcessHandle::destroyForcibly);
                            p.destroyForcibly();
                            return fail(wanted, "npm install " + what + " timed out after " + NPM_TIMEOUT.toSeconds() + " s");
                        }
                        if (p.exitValue() != 0) {
                            return fail(wanted, "npm install " + what + " exited with " + p.exitValue() + tail(log));
                        }
                    } finally {
                        Files.deleteIfExists(log);
                    }
                    done.addAll(missing);
                    Files.write(marker, done.stream().sorted().toList(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            return fail(wanted, "npm install " + what + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(wanted, "interrupted while installing " + what);
        }
        INSTALLED.addAll(wanted);
        return true;
    }

    private static boolean fail(List<String> specs, String why) {
        FAILED.addAll(specs);
        System.err.println("bench: peer " + String.join(" ", specs) + " missing (" + why.replace('\n', ' ') + ")");
        return false;
    }

    /** {@code piscina@5} → {@code piscina}; {@code @scope/pkg@1} → {@code @scope/pkg}. */
    static String packageName(String spec) {
        int at = spec.lastIndexOf('@');
        return at > 0 ? spec.substring(0, at) : spec;
    }

    /** Copies the resource /node/{script} into the cache directory (atomically, only when it changed). */
    /**
     * Runs a peer script that prints one JSON object of {@code {"figure.id": number}} and returns
     * those figures; returns an empty map, with one note on stderr, when node (or one of
     * {@code packages}) is missing or the script fails: a peer is left out, never invented.
     *
     * @param peer    the peer's name in notes ("node", "piscina")
     * @param script  a resource under {@code /node/}; it gets "quick" or "full" as its argument
     */
    public static Map<String, Double> figures(String peer, String script, boolean quick, String... packages) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!available()) {
            System.err.println(script + ": node is not on PATH; the " + peer + " peer is left out");
            return m;
        }
        if (packages.length > 0 && !ensurePackages(packages)) {
            return m; // ensurePackages said why
        }
        try {
            run(script, Duration.ofMinutes(2), quick ? "quick" : "full")
                    .fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
        } catch (Exception e) {
            System.err.println(script + ": the " + peer + " peer failed and is left out: " + e.getMessage());
        }
        return m;
    }

    /** {@code {peer: value}} for figure {@code id} if the peer measured it, else an empty map. */
    public static Map<String, Double> peer(String peer, Map<String, Double> figures, String id) {
        Double v = figures.get(id);
        return v == null ? Map.of() : Map.of(peer, v);
    }

    /** The path of a shipped Node script, copied into the cache dir (for peers that run as servers). */
    public static Path script(String script) throws IOException {
        return extract(script);
    }

    static Path extract(String script) throws IOException {
        if (script.contains("..") || script.startsWith("/")) {
            throw new IllegalArgumentException("script must be a plain resource name under /node/, got " + script);
        }
        byte[] content;
        try (InputStream in = NodePeer.class.getResourceAsStream("/node/" + script)) {
            if (in == null) {
                throw new IOException("no Node script /node/" + script + " in the brigade-bench jar");
            }
            content = in.readAllBytes();
        }
        Path dir = cacheDir().resolve("scripts");
        Files.createDirectories(dir);
        Path target = dir.resolve(script);
        Files.createDirectories(target.getParent());
        if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), content)) {
            return target;
        }
        Path tmp = Files.createTempFile(dir, ".script-", ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                return "";
            }
            return ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}

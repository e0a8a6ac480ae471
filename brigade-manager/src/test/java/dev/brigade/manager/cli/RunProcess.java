package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A `brigade` command in a JVM of its own (run, daemon), its stderr collected, and HTTP helpers for its endpoints. */
final class RunProcess implements AutoCloseable {
    static final Duration BOUND = Duration.ofSeconds(60); // generous: CI is a loaded 2-core machine
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Process process;
    final StringBuffer err = new StringBuffer();

    private RunProcess(Process process) {
        this.process = process;
    }

    /** {@code java ... Main}: the brigade command in a JVM of its own, on this test's class path. */
    static List<String> brigadeCommand() {
        return new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    }

    static RunProcess start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = brigadeCommand();
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        RunProcess r = new RunProcess(pb.start());
        pump(r.process.getErrorStream(), r.err);
        return r;
    }

    /** Collects {@code in}'s lines into {@code into} on a virtual thread until the stream ends. */
    static void pump(InputStream in, StringBuffer into) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    into.append(l).append('\n');
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }

    /** The first URL printed after {@code label} (e.g. "metrics on "), waiting for it. */
    String url(String label) {
        Pattern p = Pattern.compile(Pattern.quote(label) + "(http://\\S+)");
        await().atMost(BOUND).until(() -> p.matcher(err).find());
        Matcher m = p.matcher(err);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String testClasses() {
        return Path.of(TestApp.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}

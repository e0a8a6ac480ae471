package dev.brigade.compat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code brigade} command as a user runs it: its own JVM (the flags and class path of the
 * {@code ./brigade} launcher, brigade-manager and what it runs on), against a private
 * BRIGADE_HOME; the daemon it starts is a separate process too. {@link #close} kills the daemon
 * and every process whose command line names the home, then removes the home.
 */
final class BrigadeCommand implements AutoCloseable {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final String CP = System.getProperty("compat.manager.classpath", "");

    /** What one run printed, and its exit code. */
    record Outcome(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    final Path home;

    BrigadeCommand() throws IOException {
        if (!CP.contains("brigade-manager")) {
            throw new IllegalStateException("compat.manager.classpath (set by the build) lacks brigade-manager: run with mvn verify");
        }
        home = Files.createTempDirectory("brigade-compat-home-");
    }

    /** Runs {@code brigade COMMAND --home HOME ARGS...}; waits at most 5 minutes. */
    Outcome run(String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", CP, "dev.brigade.manager.cli.Main", args[0], "--home", home.toString()));
        cmd.addAll(Arrays.asList(args).subList(1, args.length));
        try {
            Path out = Files.createTempFile(home, "out-", ".txt");
            Path err = Files.createTempFile(home, "err-", ".txt");
            Process p = new ProcessBuilder(cmd).directory(home.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("brigade " + String.join(" ", args) + " did not end within 5 minutes");
            }
            Outcome o = new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Runs a command that must succeed. */
    Outcome ok(String... args) {
        Outcome o = run(args);
        if (o.code() != 0) {
            throw new AssertionError("brigade " + String.join(" ", args) + ": " + o);
        }
        return o;
    }

    /** {@code brigade ls --json}: the entry of app {@code name}. */
    JsonNode app(String name) {
        try {
            for (JsonNode app : JsonMapper.builder().build().readTree(ok("ls", "--json").out())) {
                if (app.get("name").asText().equals(name)) {
                    return app;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no app " + name + " in brigade ls");
    }

    @Override
    public void close() {
        run("kill");
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(home.toString())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        try (var files = Files.walk(home)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not remove " + home + ": " + e);
        }
    }
}

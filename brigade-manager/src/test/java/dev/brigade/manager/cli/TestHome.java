package dev.brigade.manager.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A temporary BRIGADE_HOME for one test, and the {@code brigade} command run against it (in
 * this JVM; the daemon it starts is a real separate process). {@link #close} kills the daemon
 * and, to be sure, every process whose command line names this home. A test class that holds
 * one in a {@code @RegisterExtension} field has it closed after each test.
 */
final class TestHome implements AutoCloseable, AfterEachCallback {
    final Path dir;

    TestHome() {
        try {
            dir = Files.createTempDirectory("brigade-home-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code brigade COMMAND --home DIR ARGS...}. */
    MainTest.Outcome brigade(String... args) {
        List<String> all = new ArrayList<>();
        all.add(args[0]);
        all.addAll(List.of("--home", dir.toString()));
        all.addAll(Arrays.asList(args).subList(1, args.length));
        return MainTest.brigade(all.toArray(String[]::new));
    }

    /** {@code brigade ls --json}, parsed. */
    JsonNode ls() {
        MainTest.Outcome o = brigade("ls", "--json");
        if (o.code() != 0) {
            throw new AssertionError("ls failed: " + o);
        }
        try {
            return JsonMapper.builder().build().readTree(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The instances of app {@code name} in {@code ls --json}. */
    List<JsonNode> instances(String name) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode app : ls()) {
            if (app.get("name").asText().equals(name)) {
                app.get("instances").forEach(out::add);
            }
        }
        return out;
    }

    static String capture(java.util.function.Consumer<PrintStream> body) {
        var bytes = new ByteArrayOutputStream();
        body.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        brigade("kill");
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(dir.toString())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }
}

package dev.brigade.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every output block of README.md and docs/*.md is what its snippet prints, run as a user's
 * project runs it: compiled by src/it/consumer (a Maven project with only the README's
 * coordinates, built by maven-invoker-plugin against the artifacts this build installed in
 * target/local-repo), on that project's class path, in a JVM of its own, {@code snippets.runs}
 * times in a row, with no JVM warning on stderr.
 */
class ReadmeSnippetsIT {

    private static final Path CONSUMER = Path.of(System.getProperty("snippets.consumer", "target/it/consumer")).toAbsolutePath();
    private static final int RUNS = Integer.getInteger("snippets.runs", 3);

    @TestFactory
    Stream<DynamicTest> outputsAreWhatSnippetsPrint() {
        return Documents.tests((where, block) -> block.marker() == null || !block.marker().kind().equals("output") ? null
                : DynamicTest.dynamicTest(where + " is what " + block.marker().name() + " prints", () -> prints(where, block)));
    }

    private static void prints(String where, Snippets.Block block) throws Exception {
        List<String> expected = block.body().lines().toList();
        for (int run = 1; run <= RUNS; run++) {
            Output out = run(block.marker());
            String context = where + ", run " + run + " of " + RUNS + ": " + block.marker().name()
                    + "\n--- stdout\n" + out.stdout + "\n--- stderr\n" + out.stderr;
            assertThat(out.code).as(context + "\nexit code").isZero();
            if (!Snippets.outputMatches(expected, out.stdout.lines().toList())) {
                fail(context + "\n--- expected (* stands for any text)\n" + block.body());
            }
            assertThat(out.stderr.lines().filter(l -> l.startsWith("WARNING"))).as(context + "\nJVM warnings").isEmpty();
        }
    }

    private record Output(int code, String stdout, String stderr) {}

    private static String classPath() throws IOException {
        Path deps = CONSUMER.resolve("target/classpath.txt");
        assertThat(deps).as("the consumer project's class path (built by maven-invoker-plugin: mvn verify)").exists();
        return CONSUMER.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(deps).trim();
    }

    private static Output run(Snippets.Marker marker) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(marker.flags());
        command.add("-cp");
        command.add(classPath());
        command.add("dev.brigade.examples.snippets." + marker.name());
        Process p = new ProcessBuilder(command).directory(CONSUMER.toFile()).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(marker.name() + " did not end within 120 s\n--- stdout\n" + out.getNow("") + "\n--- stderr\n" + err.getNow(""));
        }
        return new Output(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

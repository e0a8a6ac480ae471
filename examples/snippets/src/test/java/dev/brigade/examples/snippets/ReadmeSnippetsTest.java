package dev.brigade.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
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
 * README.md and docs/*.md against the sources in this module (markers: {@link Snippets}): every
 * Java block is a file the build compiles, shown as it is, and every promised output is what the
 * snippet prints when run in a JVM of its own, {@code snippets.runs} times in a row (default 3;
 * {@code -Dsnippets.runs=20} for the long check), with no JVM warning on stderr.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of(System.getProperty("snippets.root", "../.."));
    private static final Path SOURCES = ROOT.resolve("examples/snippets/src/main/java/dev/brigade/examples/snippets");
    private static final int RUNS = Integer.getInteger("snippets.runs", 3);

    @TestFactory
    Stream<DynamicTest> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path doc : docs) {
            Snippets snippets = Snippets.parse(doc);
            for (Snippets.Block block : snippets.blocks()) {
                String where = ROOT.relativize(doc) + ":" + block.line();
                if (block.marker() == null) {
                    if (block.language().equals("java")) {
                        tests.add(DynamicTest.dynamicTest(where + " has a snippet marker", () -> fail(
                                where + ": a java block with no <!-- snippet: Name.java --> line before it; every Java"
                                        + " snippet is a source file in " + ROOT.relativize(SOURCES))));
                    }
                } else if (block.marker().kind().equals("snippet")) {
                    tests.add(DynamicTest.dynamicTest(where + " shows " + block.marker().name(), () -> shows(where, block)));
                } else {
                    tests.add(DynamicTest.dynamicTest(where + " is what " + block.marker().name() + " prints",
                            () -> prints(where, block)));
                }
            }
        }
        return tests.stream();
    }

    private static void shows(String where, Snippets.Block block) throws IOException {
        Path source = SOURCES.resolve(block.marker().name() + ".java");
        assertThat(source).as(where + ": the snippet's source").exists();
        assertThat(block.body()).as(where + ": README block against " + ROOT.relativize(source)
                + " (edit the source file, then copy its README region into the document)")
                .isEqualTo(Snippets.shownPart(source));
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

    private static Output run(Snippets.Marker marker) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(marker.flags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.brigade.examples.snippets." + marker.name());
        Process p = new ProcessBuilder(command).start();
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

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

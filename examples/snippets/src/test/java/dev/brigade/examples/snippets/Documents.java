package dev.brigade.examples.snippets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** README.md and docs/*.md, and the dynamic tests made of their marked blocks. */
final class Documents {
    static final Path ROOT = Path.of(System.getProperty("snippets.root", "../..")).toAbsolutePath().normalize();
    static final Path SOURCES = ROOT.resolve("examples/snippets/src/main/java/dev/brigade/examples/snippets");

    private Documents() {
    }

    /** The tests {@code make} returns for each block ({@code where} is "file:line"); nulls are left out. */
    static Stream<DynamicTest> tests(BiFunction<String, Snippets.Block, DynamicTest> make) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path doc : documents()) {
            try {
                for (Snippets.Block block : Snippets.parse(doc).blocks()) {
                    DynamicTest t = make.apply(ROOT.relativize(doc) + ":" + block.line(), block);
                    if (t != null) tests.add(t);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tests.stream();
    }

    private static List<Path> documents() {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }
}

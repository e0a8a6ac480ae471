package dev.brigade.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * README.md and docs/*.md against the files they show (markers: {@link Snippets}): every Java
 * block is a source file of this module, which the build compiles, and every marked block shows
 * its file as it is. What the snippets print is checked by {@link ReadmeSnippetsIT}.
 */
class ReadmeSnippetsTest {

    @TestFactory
    Stream<DynamicTest> blocksShowTheirFiles() {
        return Documents.tests((where, block) -> {
            if (block.marker() == null) {
                return !block.language().equals("java") ? null : DynamicTest.dynamicTest(where + " has a snippet marker", () -> fail(
                        where + ": a java block with no <!-- snippet: Name.java --> line before it; every Java snippet is a"
                                + " source file in " + Documents.ROOT.relativize(Documents.SOURCES)));
            }
            if (!block.marker().kind().equals("snippet")) return null;
            return DynamicTest.dynamicTest(where + " shows " + block.marker().name(), () -> shows(where, block));
        });
    }

    private static void shows(String where, Snippets.Block block) throws Exception {
        String name = block.marker().name();
        Path source = name.contains("/") ? Documents.ROOT.resolve(name) : Documents.SOURCES.resolve(name + ".java");
        assertThat(source).as(where + ": the snippet's source").exists();
        String shown = Snippets.shownPart(source).replace("@project.version@", System.getProperty("project.version", "@project.version@"));
        assertThat(block.body()).as(where + ": the block against " + Documents.ROOT.relativize(source)
                + " (edit the source file, then copy its README region into the document)").isEqualTo(shown);
    }
}

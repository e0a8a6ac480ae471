package dev.brigade.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnippetsTest {

    @TempDir Path dir;

    @Test
    void markersTieBlocksToFilesAndOutputs() throws Exception {
        Path doc = Files.writeString(dir.resolve("d.md"), String.join("\n",
                "text", "<!-- snippet: Hello.java -->", "```java", "a();", "```",
                "<!-- output: Hello --enable-native-access=ALL-UNNAMED -->", "```", "hi *", "```",
                "```java", "loose();", "```", ""));
        Snippets s = Snippets.parse(doc);
        assertThat(s.blocks()).hasSize(3);
        assertThat(s.blocks().get(0).marker()).isEqualTo(new Snippets.Marker("snippet", "Hello", List.of()));
        assertThat(s.blocks().get(0).body()).isEqualTo("a();");
        assertThat(s.blocks().get(1).marker().flags()).containsExactly("--enable-native-access=ALL-UNNAMED");
        assertThat(s.blocks().get(2).marker()).isNull();
        assertThat(s.blocks().get(2).language()).isEqualTo("java");
    }

    @Test
    void regionsAreDedentedAndJoined() throws Exception {
        Path src = Files.writeString(dir.resolve("X.java"), String.join("\n",
                "class X {", "    // README:begin", "    a();", "      b();", "    // README:end",
                "    hidden();", "    // README:begin", "    c();", "    // README:end", "}"));
        assertThat(Snippets.shownPart(src)).isEqualTo("a();\n  b();\n\nc();");
    }

    @Test
    void starMatchesAnyTextWithinALine() {
        assertThat(Snippets.outputMatches(List.of("pid *, port *"), List.of("pid 12, port 8080"))).isTrue();
        assertThat(Snippets.outputMatches(List.of("exit 0"), List.of("exit 1"))).isFalse();
        assertThat(Snippets.outputMatches(List.of("a"), List.of("a", "b"))).isFalse();
        assertThat(Snippets.outputMatches(List.of("a.b"), List.of("axb"))).isFalse();
    }
}

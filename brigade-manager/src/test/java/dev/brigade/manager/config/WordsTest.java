package dev.brigade.manager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;

class WordsTest {
    @Test
    void quotesKeepBlanks_asAShellWould() throws ConfigException {
        assertThat(Words.split("-Xmx64m -Dmsg=\"hello world\"  '-Da=b c' x\\ y", "--jvm-args"))
                .containsExactly("-Xmx64m", "-Dmsg=hello world", "-Da=b c", "x y");
        assertThat(Words.split("python3 -m http.server 8000", "TARGET")).containsExactly("python3", "-m", "http.server", "8000");
        assertThat(Words.split("a \"b \\\" c\" ''", "x")).containsExactly("a", "b \" c", "");
    }

    @Test
    void anUnclosedQuote_isNamed() {
        assertThat(catchThrowable(() -> Words.split("-Dmsg=\"hello", "--jvm-args")))
                .hasMessage("--jvm-args: unclosed double quote in \"-Dmsg=\"hello\"");
    }

    @Test
    void jarNames_loseTheirVersion() {
        assertThat(AppResolver.jarName("api-1.4.2.jar")).isEqualTo("api");
        assertThat(AppResolver.jarName("demo-server-0.1.0-SNAPSHOT.jar")).isEqualTo("demo-server");
        assertThat(AppResolver.jarName("app.jar")).isEqualTo("app");
        assertThat(AppResolver.jarName("my-app-2.jar")).isEqualTo("my-app");
        assertThat(AppResolver.jarName("1.0.jar")).isEqualTo("1.0");
    }
}

package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ProcessEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of a worker started from an explicit entry. */
class CommandLineTest {
    private static final String CLUSTER = CommandLine.brigadeClassPath().get(0);
    private static final String JNA = CommandLine.brigadeClassPath().get(1);

    @TempDir
    Path dir;

    @Test
    void a_main_class_runs_on_the_app_class_path_alone_with_the_agent_as_its_worker_side() throws IOException {
        Path a = Files.createFile(dir.resolve("a.jar"));
        Path b = Files.createFile(dir.resolve("b.jar"));
        Path agent = Files.createFile(dir.resolve("brigade-agent-x.jar"));
        var settings = ClusterSettings.builder().entry(ProcessEntry.mainClass("app.Main", List.of(a, b))).agentJar(agent)
                .args("x", "y").build();
        List<String> argv = CommandLine.argv("java", CommandLine.parts(settings), List.of("-XX:SharedArchiveFile=z"));
        assertThat(String.join(" ", argv)).endsWith("-XX:SharedArchiveFile=z -cp " + a + ":" + b + " -Xbootclasspath/a:" + agent
                + " -javaagent:" + agent + "=worker:main app.Main x y");
    }

    @Test
    void a_jar_runs_as_java_jar_with_the_agent_as_its_worker_side() throws IOException {
        Path app = Files.createFile(dir.resolve("app.jar"));
        Path agent = Files.createFile(dir.resolve("brigade-agent-x.jar"));
        var settings = ClusterSettings.builder().entry(ProcessEntry.jar(app)).agentJar(agent).args("x").build();
        CommandLine.Parts parts = CommandLine.parts(settings);
        assertThat(parts.classPath()).isEmpty();
        // the agent's jar on the boot class path too, so that a class-data archive holds its classes (ArchivedAgentTest)
        assertThat(parts.launch()).containsExactly("-Xbootclasspath/a:" + agent, "-javaagent:" + agent + "=worker:jar", "-jar", app.toString(), "x");
        assertThat(CommandLine.hasAgent(parts)).isTrue();
    }

    @Test
    void without_an_agent_jar_brigade_first_then_the_app_then_the_dependencies_the_app_does_not_bring() throws IOException {
        Path a = Files.createFile(dir.resolve("a.jar"));
        Path b = Files.createFile(dir.resolve("b.jar"));
        List<String> cp = CommandLine.parts(settings(List.of(a, b))).classPath();
        assertThat(cp).startsWith(CLUSTER, a.toString(), b.toString()).containsSubsequence(b.toString(), JNA)
                .doesNotHaveDuplicates();
    }

    @Test
    void without_an_agent_jar_a_dependency_the_app_brings_keeps_its_place_in_the_app_class_path() throws IOException {
        Path a = Files.createFile(dir.resolve("a.jar"));
        List<String> cp = CommandLine.parts(settings(List.of(Path.of(JNA), a))).classPath();
        assertThat(cp).startsWith(CLUSTER, JNA, a.toString()).doesNotHaveDuplicates();
    }

    private static ClusterSettings settings(List<Path> appClassPath) {
        return ClusterSettings.builder().entry(ProcessEntry.mainClass("app.Main", appClassPath)).agentJar(null).build();
    }
}

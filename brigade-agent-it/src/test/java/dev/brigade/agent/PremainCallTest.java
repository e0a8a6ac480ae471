package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.apps.Returns;
import dev.brigade.agent.support.Jdks;
import dev.brigade.agent.support.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JVM calls the agent's premain through core reflection, whose accessor is made of method handles since JDK 18:
 * LambdaForm classes spun at each worker's start, 8-12 ms before the app's main (issue 14). The entry points are
 * flagged varargs at build time (brigade-agent's src/build/AgentEntryFlags.java), which makes the JDK call them through
 * its native accessor: a JVM started with the agent spins no LambdaForm between loading the agent and loading the
 * app's main class.
 */
class PremainCallTest {
    static List<Jdks.Jdk> jdks() {
        return Jdks.installed();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void the_jvm_calls_premain_without_spinning_method_handle_classes(Jdks.Jdk jdk) throws Exception {
        List<String> loaded = classesLoaded(jdk);
        int agent = indexOf(loaded, "dev.brigade.agent.internal.AgentEntry ");
        int main = indexOf(loaded, Returns.class.getName() + " ");
        assertThat(agent).as("agent class loaded: %s", loaded).isNotNegative();
        assertThat(main).as("main class loaded after the agent").isGreaterThan(agent);
        assertThat(loaded.subList(agent, main)).as("classes loaded between the agent and the app's main")
                .noneMatch(l -> l.contains("LambdaForm$") || l.contains("InvokerBytecodeGenerator "));
        assertThat(loaded).anyMatch(l -> l.equals("main ran"));
    }

    private static List<String> classesLoaded(Jdks.Jdk jdk) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jdk.java().toString(), "-Xlog:class+load=info:stdout:none", "-javaagent:" + Worker.agentJar(),
                "-cp", System.getProperty("brigade.test.classes", "target/test-classes"), Returns.class.getName())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }

    private static int indexOf(List<String> lines, String name) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(name)) {
                return i;
            }
        }
        return -1;
    }
}

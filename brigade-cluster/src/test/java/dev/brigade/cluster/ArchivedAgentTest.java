package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker started from its app's class-data archive takes brigade-agent's classes from the archive too (the agent's
 * jar is on the boot class path from the JVM's start; a {@code -javaagent} jar alone is appended at run time, and the
 * JVM archives no class of an appended entry): a worker's start then loads, verifies and links none of them.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ArchivedAgentTest {
    private static final Duration T = Duration.ofSeconds(90);

    @Test
    void a_worker_started_from_the_archive_takes_the_agents_classes_from_it(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("hello17", "Hello", Map.of(), dir);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).instances(1)
                .listen("127.0.0.1", 0).listenTimeout(T).classDataArchive(true).archiveDir(dir.resolve("archives"))
                .jvmOptions("-Xlog:class+load=info:file=" + logs + "/classes-%p.log")
                .shutdownHook(false).output(line -> { }).build();
        try (Cluster c = Cluster.create(s)) {
            c.fork().get(0).online().get(T.toSeconds(), TimeUnit.SECONDS);
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // the recorder leaves and writes; its replacement had no archive yet
            await().atMost(Duration.ofSeconds(180))
                    .until(() -> c.describe().contains("new processes start from it") || c.describe().contains("without"));
            assertThat(c.describe()).contains("new processes start from it");
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            ClusterWorker w = c.workers().get(0);
            List<String> loaded = Files.readAllLines(logs.resolve("classes-" + w.pid() + ".log"));
            assertThat(loaded).as("the worker started from the archive")
                    .anyMatch(l -> l.contains(" Hello source: shared objects file"));
            assertThat(loaded).as("the agent's own classes, from the archive")
                    .anyMatch(l -> l.contains(" dev.brigade.agent.BrigadeAgent source: shared objects file"))
                    .anyMatch(l -> l.contains(" dev.brigade.agent.internal.JdkAccess source: shared objects file"))
                    // not archived: the classes that extend ASM's (class file version 49: "old", which the JVM does not archive)
                    .noneMatch(l -> l.contains(" dev.brigade.agent.") && !l.contains(".shaded.") && !l.contains("shared objects file") && !l.contains("$"));
        }
    }
}

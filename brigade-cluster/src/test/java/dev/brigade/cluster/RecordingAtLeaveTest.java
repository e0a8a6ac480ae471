package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker recording the app's class-data archive is not asked to write it while it serves (writing stops the whole
 * JVM: 14 s for a Spring Boot app at load 10, which held a keep-alive client's request past its timeout); it writes
 * it as it leaves, after its app stopped, and its exit is given the time that takes beyond the kill timeout.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RecordingAtLeaveTest {
    private static final Duration T = Duration.ofSeconds(90);

    @Test
    void a_recording_worker_writes_its_recording_as_it_leaves_even_past_a_short_kill_timeout(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("hello17", "Hello", Map.of(), dir);
        // a kill timeout far shorter than writing a recording takes (over a second even for this small app)
        ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).instances(1)
                .listen("127.0.0.1", 0).listenTimeout(T).classDataArchive(true).archiveDir(dir.resolve("archives"))
                .shutdownHook(false).killTimeout(Duration.ofMillis(300)).output(line -> { }).build();
        try (Cluster c = Cluster.create(s)) {
            ClusterWorker w = c.fork().get(0);
            w.online().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(c.describe()).as("the first worker records the archive, and is not asked to write it while it serves")
                    .contains("recording the").doesNotContain("assembling");
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // the recorder leaves; its replacement does not record
            await().atMost(Duration.ofSeconds(180))
                    .until(() -> c.describe().contains("new processes start from it") || c.describe().contains("without"));
            assertThat(c.describe()).as("the recording written as the worker left, not cut off by the kill timeout")
                    .contains("new processes start from it");
        }
    }
}

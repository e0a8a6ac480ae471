package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
            List<ClusterEvent.Exit> exits = new CopyOnWriteArrayList<>();
            c.on(e -> {
                if (e instanceof ClusterEvent.Exit x) {
                    exits.add(x);
                }
            });
            ClusterWorker w = c.fork().get(0);
            w.online().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(c.describe()).as("the first worker records the archive, and is not asked to write it while it serves")
                    .contains("recording the").doesNotContain("assembling");
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS); // the recorder leaves; its replacement does not record
            assertThat(exits).as("the reload returned once the recorder's app stopped, not after its JVM wrote the recording"
                    + " (a second or more)").noneMatch(x -> x.worker().pid() == w.pid());
            await().atMost(T).until(() -> exits.stream().anyMatch(x -> x.worker().pid() == w.pid()));
            assertThat(exits.stream().filter(x -> x.worker().pid() == w.pid()).findFirst().orElseThrow().status().code())
                    .as("it exited on its own once written").isZero();
            await().atMost(Duration.ofSeconds(180))
                    .until(() -> c.describe().contains("new processes start from it") || c.describe().contains("without"));
            assertThat(c.describe()).as("the recording written as the worker left, not cut off by the kill timeout")
                    .contains("new processes start from it");
        }
    }

    @Test
    void a_recorder_of_a_version_replaced_since_runs_its_apps_shutdown_hooks_and_is_stopped_before_its_jvm_writes(@TempDir Path dir)
            throws Exception {
        Path jar = AppJars.build("hookmark", "HookMark", Map.of(), dir);
        List<String> out = new CopyOnWriteArrayList<>();
        List<ClusterEvent.Exit> exits = new CopyOnWriteArrayList<>();
        ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).instances(1)
                .listen("127.0.0.1", 0).listenTimeout(T).classDataArchive(true).archiveDir(dir.resolve("archives"))
                .shutdownHook(false).output(line -> out.add(line.text())).build();
        try (Cluster c = Cluster.create(s)) {
            c.on(e -> {
                if (e instanceof ClusterEvent.Exit x) {
                    exits.add(x);
                }
            });
            ClusterWorker w = c.fork().get(0);
            w.online().get(T.toSeconds(), TimeUnit.SECONDS);
            long pid = w.pid();
            assertThat(c.describe()).as("the first worker records the archive").contains("recording the");
            // a new version copied in: what the worker records is of a version that will not run again
            Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
            c.reload().get(T.toSeconds(), TimeUnit.SECONDS);
            await().atMost(T).until(() -> exits.stream().anyMatch(x -> x.worker().pid() == pid)
                    && out.contains("shutdown hook of pid " + pid + " done"));
            ClusterEvent.Exit x = exits.stream().filter(e -> e.worker().pid() == pid).findFirst().orElseThrow();
            assertThat(x.exitedAfterDisconnect()).isTrue();
            assertThat(x.status().signalName()).as("stopped after its app's shutdown hook ran to its end (above), before its"
                    + " JVM wrote the recording as it exits (it would then have exited 0)").isEqualTo(Signal.SIGKILL);
            assertThat(c.describe()).doesNotContain("recording the AOT cache in pid " + pid)
                    .doesNotContain("recording the AppCDS archive in pid " + pid);
        }
    }
}

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
 * A worker that records the app's class-data archive is not killed as hung for a silence an ordinary worker would be
 * killed for (it gets {@code Watchdog.RECORDING_GRACE} heartbeat timeouts): a recording worker lost to the heartbeat
 * timeout on a loaded machine lost the recording.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecordingHeartbeatTest {
    private static final Duration T = Duration.ofSeconds(90);

    @Test
    void a_recording_worker_silent_for_twice_the_heartbeat_timeout_is_not_killed(@TempDir Path dir) throws Exception {
        Path jar = AppJars.build("hello17", "Hello", Map.of(), dir);
        ClusterSettings s = ClusterSettings.builder().entry(ProcessEntry.jar(jar)).instances(1)
                .listen("127.0.0.1", 0).listenTimeout(T).heartbeat(Duration.ofMillis(100), Duration.ofMillis(1500))
                .classDataArchive(true).archiveDir(dir.resolve("archives")).shutdownHook(false)
                .killTimeout(Duration.ofSeconds(5)).output(line -> { }).build();
        try (Cluster c = Cluster.create(s)) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            w.online().get(T.toSeconds(), TimeUnit.SECONDS);
            assertThat(c.describe()).as("the first worker records the archive").contains("recording the");
            w.signal(Signal.SIGSTOP); // silent: no heartbeat for 3 s, twice the timeout
            try {
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> !w.exit().isDone() && rec.of(ClusterEvent.Error.class).isEmpty());
            } finally {
                w.signal(Signal.SIGCONT);
            }
            assertThat(w.exit()).as("the recording worker was not killed").isNotDone();
            assertThat(rec.of(ClusterEvent.Error.class)).isEmpty();
        }
    }
}

package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ClusterMetrics on real worker JVMs: restarts by cause, reloads, per-slot process figures, removal. */
@Timeout(120)
class ClusterMetricsTest {
    private static final Duration T = Duration.ofSeconds(30);

    private static double value(SimpleMeterRegistry r, String name, String... tags) {
        return r.get(name).tags(tags).meter().measure().iterator().next().getValue();
    }

    @Test
    void a_crash_a_hang_and_a_reload_are_counted_each_under_its_own_cause() throws Exception {
        var settings = Workers.settings().instances(2).heartbeat(Duration.ofMillis(100), Duration.ofMillis(600)).build();
        try (Cluster c = Cluster.create(settings)) {
            SimpleMeterRegistry r = new SimpleMeterRegistry();
            ClusterMetrics metrics = new ClusterMetrics(c, "web");
            metrics.bindTo(r);
            List<ClusterWorker> first = c.fork();
            for (ClusterWorker w : first) {
                w.online().get(30, TimeUnit.SECONDS);
            }
            await().atMost(T).until(() -> value(r, "brigade.workers", "cluster", "web", "state", "online") == 2);

            first.get(0).send("exit:1"); // a crash
            await().atMost(T).until(() -> value(r, "brigade.restarts", "cause", "crash") == 1);
            first.get(1).signal(Signal.SIGSTOP); // a hang: killed by the watchdog, not a crash
            await().atMost(T).until(() -> value(r, "brigade.restarts", "cause", "hang") == 1);
            await().atMost(T).until(() -> c.workers().size() == 2 && c.workers().stream().allMatch(w -> w.state() == WorkerState.ONLINE));
            assertThat(value(r, "brigade.restarts", "cause", "crash")).isEqualTo(1);

            assertThat(metrics.timeReload(c.reload()).get(60, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(value(r, "brigade.restarts", "cause", "reload")).isEqualTo(2);
            assertThat(r.get("brigade.reload").functionTimer().count()).isEqualTo(1);
            assertThat(r.get("brigade.reload").functionTimer().totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(value(r, "brigade.restarts", "cause", "memory")).isZero();
            assertThat(value(r, "brigade.restarts", "cause", "crash")).isEqualTo(1); // the drained old workers did not crash
            assertThat(value(r, "brigade.boot.failures")).isZero();
        }
    }

    @Test
    void each_slot_reports_its_current_worker_pid_state_cpu_and_memory() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(2).build())) {
            SimpleMeterRegistry r = new SimpleMeterRegistry();
            new ClusterMetrics(c, "web").bindTo(r);
            for (ClusterWorker w : c.fork()) {
                w.online().get(30, TimeUnit.SECONDS);
            }
            for (ClusterWorker w : c.workers()) {
                String slot = Integer.toString(w.instance());
                await().atMost(T).until(() -> value(r, "brigade.worker.pid", "instance", slot) == w.pid());
                await().atMost(T).until(() -> r.find("brigade.worker.state").tags("instance", slot, "state", "online").gauge() != null);
                assertThat(value(r, "brigade.worker.state", "instance", slot, "state", "online")).isEqualTo(1);
                assertThat(r.find("brigade.worker.state").tags("instance", slot).meters()).as("one series per slot").hasSize(1);
                assertThat(value(r, "brigade.worker.memory.resident", "instance", slot)).isGreaterThan(10 << 20); // a JVM
                assertThat(value(r, "brigade.worker.cpu", "instance", slot)).isPositive(); // it started a JVM
                assertThat(value(r, "brigade.worker.uptime", "instance", slot)).isPositive();
                if (Files.exists(Path.of("/proc/self/smaps_rollup"))) {
                    assertThat(value(r, "brigade.worker.memory.proportional", "instance", slot)).isPositive();
                }
            }
            c.scale(1); // slot 1 drains away: its meters go
            await().atMost(T).until(() -> r.find("brigade.worker.pid").tag("instance", "1").meter() == null);
            assertThat(r.find("brigade.worker.pid").tag("instance", "0").meter()).isNotNull();
        }
    }

    @Test
    void a_worker_that_cannot_start_is_a_boot_failure_and_its_slot_errored(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken");
        Files.createFile(broken);
        try (Cluster c = Cluster.create(Workers.settings().args("boot-fail-if:" + broken).build())) {
            SimpleMeterRegistry r = new SimpleMeterRegistry();
            new ClusterMetrics(c, "web").bindTo(r);
            c.fork();
            await().atMost(T).until(() -> value(r, "brigade.boot.failures") == 1);
            await().atMost(T).until(() -> r.find("brigade.worker.state").tags("instance", "0", "state", "errored").gauge() != null
                    && value(r, "brigade.worker.state", "instance", "0", "state", "errored") == 1);
            assertThat(value(r, "brigade.restarts", "cause", "crash")).isZero();
        }
    }

    @Test
    void close_removes_every_meter_it_registered() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            SimpleMeterRegistry r = new SimpleMeterRegistry();
            ClusterMetrics metrics = new ClusterMetrics(c, "web");
            metrics.bindTo(r);
            c.fork().get(0).online().get(30, TimeUnit.SECONDS);
            await().atMost(T).until(() -> r.find("brigade.worker.pid").meter() != null);
            assertThat(r.getMeters()).extracting(Meter::getId).allMatch(id -> "web".equals(id.getTag("cluster")));
            metrics.close();
            assertThat(r.getMeters()).isEmpty();
        }
    }
}

package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SupervisionTest {
    static final Duration T = Duration.ofSeconds(15);

    static ClusterException.Code errorCode(Workers.Recorder rec) {
        return rec.of(ClusterEvent.Error.class).get(0).error().code();
    }

    @Test
    void a_crashed_worker_is_replaced_at_once_in_the_same_slot() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            var rec = new Workers.Recorder(c);
            ClusterWorker first = c.fork().get(0);
            first.online().get(10, TimeUnit.SECONDS);
            first.send("exit:1");
            await().atMost(T).until(() -> rec.of(ClusterEvent.Online.class).size() == 2);
            ClusterWorker second = rec.of(ClusterEvent.Online.class).get(1).worker();
            assertThat(second.id()).isEqualTo(2);
            assertThat(second.instance()).isEqualTo(first.instance());
            assertThat(first.state()).isEqualTo(WorkerState.EXITED);
            assertThat(second.request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
        }
    }

    @Test
    void a_crash_loop_gives_the_slot_up_as_errored() throws Exception {
        var policy = RestartPolicy.defaults().withBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .withCrashLoop(2, Duration.ofMinutes(1));
        try (Cluster c = Cluster.create(Workers.settings().restart(policy).args("exit-at-start:1").build())) {
            var rec = new Workers.Recorder(c);
            c.fork();
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Error.class).isEmpty());
            assertThat(errorCode(rec)).isEqualTo(ClusterException.Code.CRASH_LOOP);
            assertThat(rec.of(ClusterEvent.Fork.class)).hasSize(3); // first start + 2 restarts
            assertThat(rec.of(ClusterEvent.Exit.class).get(2).worker().state()).isEqualTo(WorkerState.ERRORED);
            assertThat(c.workers()).isEmpty();
        }
    }

    @Test
    void a_main_that_throws_ends_its_worker_with_code_1_though_other_threads_run() throws Exception {
        List<OutputLine> output = new CopyOnWriteArrayList<>();
        var settings = Workers.settings().args("throw-at-start:thrown on purpose").output(output::add).build();
        try (Cluster c = Cluster.create(settings)) {
            ClusterWorker w = c.fork().get(0);
            assertThat(w.exit().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(ExitCodes.UNCAUGHT));
            await().atMost(T).untilAsserted(() -> assertThat(output).anySatisfy(line -> assertThat(line.stderr() ? line.text() : "")
                    .contains("Exception in thread \"main\" java.lang.IllegalStateException: thrown on purpose")));
        }
    }

    @Test
    void a_main_that_returns_leaving_nothing_to_run_ends_its_worker_with_code_0() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().args("return-at-start").build())) {
            ClusterWorker w = c.fork().get(0);
            assertThat(w.exit().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(ExitCodes.OK));
        }
    }

    @Test
    void an_unknown_main_class_is_a_boot_failure_reported_with_stderr_and_not_respawned() throws Exception {
        var settings = Workers.settings().entry(ProcessEntry.mainClass("no.such.Main", Workers.CP)).build();
        try (Cluster c = Cluster.create(settings)) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            assertThat(w.exit().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(ExitCodes.BOOT_ERROR));
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Error.class).isEmpty());
            assertThat(errorCode(rec)).isEqualTo(ClusterException.Code.BOOT_FAILED);
            assertThat(rec.of(ClusterEvent.Error.class).get(0).error().getMessage())
                    .contains("main class no.such.Main not found");
            assertThat(w.state()).isEqualTo(WorkerState.ERRORED);
            assertThat(rec.of(ClusterEvent.Fork.class)).hasSize(1);
        }
    }

    @Test
    void a_main_class_whose_dependency_is_missing_is_a_boot_failure_naming_the_missing_class(@TempDir Path dir) throws Exception {
        Path classes = Path.of(NeedsMissing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path only = dir.resolve("dev/brigade/cluster/NeedsMissing.class");
        Files.createDirectories(only.getParent());
        Files.copy(classes.resolve("dev/brigade/cluster/NeedsMissing.class"), only);
        var settings = Workers.settings().entry(ProcessEntry.mainClass(NeedsMissing.class.getName(), dir.toString())).build();
        try (Cluster c = Cluster.create(settings)) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            assertThat(w.exit().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(ExitCodes.BOOT_ERROR));
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Error.class).isEmpty());
            assertThat(rec.of(ClusterEvent.Error.class).get(0).error().getMessage())
                    .contains("main class dev.brigade.cluster.NeedsMissing needs dev.brigade.cluster.MissingDependency")
                    .doesNotContain("NeedsMissing not found");
        }
    }

    @Test
    void a_jvm_that_exits_before_online_is_a_boot_failure(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.jar"), "not a zip");
        try (Cluster c = Cluster.create(Workers.settings().entry(ProcessEntry.jar(bad)).build())) {
            var rec = new Workers.Recorder(c);
            c.fork();
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Error.class).isEmpty());
            assertThat(errorCode(rec)).isEqualTo(ClusterException.Code.BOOT_FAILED);
            assertThat(rec.of(ClusterEvent.Error.class).get(0).error().getMessage()).contains("bad.jar");
        }
        try (Cluster c = Cluster.create(Workers.settings().jvmOptions("-Xmx1k").build())) {
            var rec = new Workers.Recorder(c);
            c.fork();
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Error.class).isEmpty());
            assertThat(rec.of(ClusterEvent.Error.class).get(0).error().getMessage()).contains("before it came online");
        }
    }

    @Test
    void bad_entries_are_refused_up_front_naming_the_option(@TempDir Path dir) {
        assertThatThrownBy(() -> ProcessEntry.jar(dir.resolve("missing.jar")))
                .hasMessageContaining("entry.jar").hasMessageContaining("missing.jar").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ProcessEntry.mainClass("a.B", dir.resolve("nope").toString()))
                .hasMessageContaining("entry.classPath").hasMessageContaining("nope");
        assertThatThrownBy(() -> Workers.settings().heartbeat(Duration.ofSeconds(1), Duration.ofSeconds(1)).build())
                .hasMessageContaining("heartbeat.timeout (1000 ms) must be at least twice heartbeat.interval (1000 ms)");
        assertThatThrownBy(() -> Workers.settings().instances(-1).build()).hasMessage("instances must be in 0..1024, got -1");
    }

    @Test
    void a_hung_worker_is_killed_and_replaced() throws Exception {
        var settings = Workers.settings().heartbeat(Duration.ofMillis(100), Duration.ofMillis(600)).build();
        try (Cluster c = Cluster.create(settings)) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            w.online().get(10, TimeUnit.SECONDS);
            w.signal(Signal.SIGSTOP);
            assertThat(w.exit().get(10, TimeUnit.SECONDS).signalName()).isEqualTo(Signal.SIGKILL);
            assertThat(errorCode(rec)).isEqualTo(ClusterException.Code.HUNG);
            await().atMost(T).until(() -> rec.of(ClusterEvent.Online.class).size() == 2);
        }
    }

    @Test
    void a_worker_over_its_memory_limit_is_replaced_gracefully() throws Exception {
        var settings = Workers.settings().memoryLimitBytes(150L << 20).memoryCheckInterval(Duration.ofMillis(200))
                .jvmOptions("-Xmx256m").build();
        try (Cluster c = Cluster.create(settings)) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            w.send("alloc:160");
            assertThat(w.exit().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0)); // drained, not killed
            assertThat(errorCode(rec)).isEqualTo(ClusterException.Code.MEMORY_LIMIT);
            await().atMost(T).until(() -> rec.of(ClusterEvent.Online.class).size() == 2);
        }
    }

    @Test
    void kill_stops_the_whole_process_tree() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            ClusterWorker w = c.fork().get(0);
            long grandchild = ((Number) w.request("grandchild", T).get(10, TimeUnit.SECONDS)).longValue();
            assertThat(ProcessHandle.of(grandchild)).isPresent();
            w.kill().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true));
            assertThat(c.workers()).isEmpty();
        }
    }
}

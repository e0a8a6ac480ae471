package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ClusterLifecycleTest {
    static final Duration T = Duration.ofSeconds(10);

    @Test
    void fork_brings_workers_online_with_ids_instances_and_env() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(2).build())) {
            var rec = new Workers.Recorder(c);
            assertThat(c.isPrimary()).isTrue();
            assertThat(c.isWorker()).isFalse();
            List<ClusterWorker> ws = c.fork();
            assertThat(ws).extracting(ClusterWorker::id).containsExactly(1, 2);
            assertThat(ws).extracting(ClusterWorker::instance).containsExactly(0, 1);
            await().atMost(T).until(() -> rec.of(ClusterEvent.Online.class).size() == 2);
            assertThat(ws).allSatisfy(w -> assertThat(w.state()).isEqualTo(WorkerState.ONLINE));
            assertThat(rec.of(ClusterEvent.Fork.class)).hasSize(2);
            for (ClusterWorker w : ws) {
                assertThat(w.request("env", T).get(10, TimeUnit.SECONDS))
                        .isEqualTo(Map.of("id", String.valueOf(w.id()), "instance", String.valueOf(w.instance())));
                assertThat(((Number) w.request("pid", T).get(10, TimeUnit.SECONDS)).longValue()).isEqualTo(w.pid());
            }
        }
    }

    @Test
    void messages_requests_and_broadcast_go_both_ways() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(2).build())) {
            var rec = new Workers.Recorder(c);
            c.onRequest((w, msg) -> "primary saw " + msg + " from " + w.id());
            List<ClusterWorker> ws = c.fork();
            ClusterWorker w1 = ws.get(0);
            assertThat(w1.request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
            assertThat(w1.request("ask-primary", T).get(10, TimeUnit.SECONDS)).isEqualTo("primary saw from-worker from 1");
            assertThatThrownBy(() -> w1.request("fail", T).join())
                    .isInstanceOf(CompletionException.class).cause().isInstanceOf(ClusterException.class)
                    .hasMessageContaining("failing on purpose")
                    .satisfies(e -> assertThat(((ClusterException) e).code()).isEqualTo(ClusterException.Code.REQUEST_FAILED));
            c.broadcast("echo:hello");
            await().atMost(T).until(() -> rec.of(ClusterEvent.Message.class).stream()
                    .filter(m -> m.message().equals("hello")).count() == 2);
            w1.send("listening:8080");
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Listening.class, w1).isEmpty()); // events come on their own thread
            assertThat(w1.state()).isEqualTo(WorkerState.LISTENING);
            assertThat(rec.of(ClusterEvent.Listening.class, w1)).singleElement()
                    .satisfies(l -> assertThat(l.port()).isEqualTo(8080));
        }
    }

    @Test
    void request_without_reply_times_out_with_the_numbers() {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            ClusterWorker w = c.fork().get(0);
            w.signal(Signal.SIGSTOP);
            try {
                assertThatThrownBy(() -> w.request("ping", Duration.ofMillis(200)).join())
                        .cause().isInstanceOf(ClusterException.class)
                        .hasMessageContaining("within 200 ms");
            } finally {
                w.signal(Signal.SIGCONT);
            }
        }
    }

    @Test
    void disconnect_runs_the_workers_disconnect_handlers_to_the_end_before_it_exits(@TempDir Path dir) throws Exception {
        List<OutputLine> output = new CopyOnWriteArrayList<>();
        Path go = dir.resolve("go");
        try (Cluster c = Cluster.create(Workers.settings().args("drain-until:" + go).killTimeout(Duration.ofSeconds(30)).output(output::add).build())) {
            ClusterWorker w = c.fork().get(0);
            assertThat(w.request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
            CompletableFuture<ExitStatus> exit = w.disconnect();
            await().atMost(T).until(() -> output.stream().anyMatch(l -> l.text().equals("draining")));
            assertThat(exit).isNotDone();     // its handler is still at work
            Files.createFile(go);
            assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
            await().atMost(T).until(() -> output.stream().anyMatch(l -> l.text().equals("drained")));
        }
    }

    @Test
    void disconnect_exits_cleanly_and_is_not_restarted() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            assertThat(w.request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
            ExitStatus status = w.disconnect().get(10, TimeUnit.SECONDS);
            assertThat(status).isEqualTo(ExitStatus.exited(0));
            assertThat(w.state()).isEqualTo(WorkerState.EXITED);
            // Disconnect comes from the IPC thread, Exit from the reaper: either may be published first
            await().atMost(T).until(() -> rec.of(ClusterEvent.Exit.class).size() == 1 && rec.of(ClusterEvent.Disconnect.class).size() == 1);
            assertThat(rec.of(ClusterEvent.Exit.class).get(0).exitedAfterDisconnect()).isTrue();
            assertThat(c.workers()).isEmpty();
        }
    }

    @Test
    void exit_codes_and_signals_are_reported_exactly() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(4).restart(RestartPolicy.never()).build())) {
            var rec = new Workers.Recorder(c);
            List<ClusterWorker> ws = c.fork();
            for (ClusterWorker w : ws) {
                w.request("ping", T).get(10, TimeUnit.SECONDS);
            }
            ws.get(0).send("exit:0");
            ws.get(1).send("exit:1");
            ws.get(2).send("exit:3");
            ws.get(3).signal(Signal.SIGKILL);
            assertThat(ws.get(0).exit().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(0));
            assertThat(ws.get(1).exit().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(1));
            assertThat(ws.get(2).exit().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(3));
            ExitStatus killed = ws.get(3).exit().get(10, TimeUnit.SECONDS);
            assertThat(killed.signalName()).isEqualTo(Signal.SIGKILL);
            assertThat(killed.toString()).isEqualTo("signal SIGKILL");
            await().atMost(T).until(() -> rec.of(ClusterEvent.Exit.class).size() == 4);
            assertThat(rec.of(ClusterEvent.Exit.class)).noneMatch(ClusterEvent.Exit::exitedAfterDisconnect);
            for (ClusterWorker w : ws) {
                assertThat(java.nio.file.Path.of("/proc/" + w.pid())).doesNotExist(); // reaped
            }
        }
    }

    @Test
    void a_worker_holds_only_stdio_and_its_ipc_channel_of_the_primarys_descriptors() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            ClusterWorker w = c.fork().get(0);
            @SuppressWarnings("unchecked")
            List<String> fds = (List<String>) w.request("fds", T).get(10, TimeUnit.SECONDS);
            var mine = dev.brigade.cluster.internal.Fds.anonymous();
            // pipes and sockets are named by inode ("pipe:[123]"); epoll and eventfd descriptors ("anon_inode:[eventpoll]",
            // every process's selectors have them) carry no identity to compare, so they are left out
            List<String> shared = fds.stream().map(l -> l.split(" ", 2)[1]).filter(n -> n.matches(".*\\[\\d+\\]"))
                    .filter(mine::contains).toList();
            List<String> stdio = fds.stream().filter(l -> l.startsWith("1 ") || l.startsWith("2 "))
                    .map(l -> l.split(" ", 2)[1]).toList();
            assertThat(shared).as("descriptors shared with the primary").containsExactlyInAnyOrderElementsOf(stdio);
            assertThat(fds).contains("0 /dev/null");
        }
    }

    @Test
    void describe_shows_profile_flags_and_archive_state() {
        try (Cluster c = Cluster.create(Workers.settings().jvmOptions("-Xmx96m").build())) {
            assertThat(c.describe()).contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
                    "-Xmx96m", "=worker:main dev.brigade.cluster.internal.TestWorker", "worker JDK: ", "class-data archive: off");
        }
    }
}

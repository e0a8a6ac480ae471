package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reload, scale and declared ports, with real worker JVMs (the agent's part is tested in brigade-agent). */
@Timeout(90)
class RollingTest {
    private static final Duration T = Duration.ofSeconds(10);

    private static Set<Integer> ids(Cluster c) {
        return c.workers().stream().map(ClusterWorker::id).collect(Collectors.toSet());
    }

    @Test
    void reload_replacesEveryWorker_newOnesFirst_oldOnesDrainedNotRestarted() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(2).build())) {
            Workers.Recorder events = new Workers.Recorder(c);
            List<ClusterWorker> old = c.fork();
            for (ClusterWorker w : old) {
                w.online().get(30, TimeUnit.SECONDS);
            }
            assertThat(c.reload().get(60, TimeUnit.SECONDS)).isEqualTo(2);
            for (ClusterWorker w : old) {
                assertThat(w.exit().get(10, TimeUnit.SECONDS).code()).isZero();
                assertThat(w.exitedAfterDisconnect()).isTrue();
            }
            Set<Integer> now = ids(c);
            assertThat(now).hasSize(2).doesNotContainAnyElementsOf(old.stream().map(ClusterWorker::id).toList());
            assertThat(c.workers()).extracting(ClusterWorker::instance).containsExactlyInAnyOrder(0, 1);
            for (ClusterWorker w : c.workers()) {
                assertThat(w.request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
            }
            // each old worker was disconnected only after its replacement was online
            await().atMost(T).until(() -> old.stream().allMatch(w -> !events.of(ClusterEvent.Disconnect.class, w).isEmpty()));
            for (ClusterWorker w : old) {
                int disconnectAt = events.events.indexOf(events.of(ClusterEvent.Disconnect.class, w).get(0));
                long onlineBefore = events.events.subList(0, disconnectAt).stream()
                        .filter(e -> e instanceof ClusterEvent.Online o && !old.contains(o.worker())).count();
                assertThat(onlineBefore).isGreaterThanOrEqualTo(1);
            }
            await().atMost(T).untilAsserted(() -> assertThat(ids(c)).isEqualTo(now)); // no restart of the old ones
        }
    }

    @Test
    void reload_whoseNewWorkerCannotStart_isAbortedAndTheOldOnesKeepServing(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("new-version-is-broken");
        // with a declared port a new worker is ready once it listens; this one exits before that
        try (Cluster c = Cluster.create(Workers.settings().instances(2).args("boot-fail-if:" + broken)
                .listen("127.0.0.1", 0).agentJar(null).listenTimeout(Duration.ofSeconds(30)).build())) {
            List<ClusterWorker> old = c.fork();
            for (ClusterWorker w : old) {
                // a reply means the worker's main ran past its start-up check (online comes before main)
                assertThat(w.request("ping", T).get(30, TimeUnit.SECONDS)).isEqualTo("pong");
            }
            Files.createFile(broken); // the "new version" now fails at start
            assertThatThrownBy(() -> c.reload().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(ClusterException.class, e -> {
                        assertThat(e.code()).isEqualTo(ClusterException.Code.RELOAD_ABORTED);
                        assertThat(e).hasMessageContaining("reload stopped after replacing 0 of 2 workers")
                                .hasMessageContaining("the old workers keep serving")
                                .hasMessageContaining("broken on purpose");
                    });
            for (ClusterWorker w : old) {
                assertThat(w.request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
            }
            assertThat(ids(c)).containsExactlyInAnyOrderElementsOf(old.stream().map(ClusterWorker::id).toList());
        }
    }

    @Test
    void scale_growsIntoFreeSlots_andShrinksFromTheHighest() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(1).build())) {
            c.fork().get(0).online().get(30, TimeUnit.SECONDS);
            c.scale(3);
            await().atMost(Duration.ofSeconds(30)).until(() -> c.workers().stream().allMatch(w -> w.state() != WorkerState.STARTING));
            assertThat(c.workers()).extracting(ClusterWorker::instance).containsExactlyInAnyOrder(0, 1, 2);
            c.scale(1);
            assertThat(c.workers()).extracting(ClusterWorker::instance).containsExactly(0);
            c.scale(0);
            assertThat(c.workers()).isEmpty();
            assertThatThrownBy(() -> c.scale(-1)).hasMessageContaining("scale: instances must be in 0..1024, got -1");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void declaredPort_isBoundOnce_andEveryWorkerInheritsItAsFd3() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(2).listen("127.0.0.1", 0).agentJar(null).build())) {
            int port = c.ports().get(0);
            assertThat(port).isPositive();
            for (ClusterWorker w : c.fork()) {
                Map<String, String> env = (Map<String, String>) w.request("ports", T).get(30, TimeUnit.SECONDS);
                assertThat(env).containsEntry("fds", "3=127.0.0.1:" + port).containsEntry("port", String.valueOf(port));
                List<String> fds = (List<String>) w.request("fds", T).get(10, TimeUnit.SECONDS);
                assertThat(fds).anyMatch(l -> l.startsWith("3 socket:"));
            }
            assertThatThrownBy(() -> Cluster.create(Workers.settings().listen("127.0.0.1", port).agentJar(null).build()))
                    .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.code()).isEqualTo(ClusterException.Code.LISTEN_FAILED))
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port + " (listen): Address already in use");
        }
    }

    @Test
    void aWorkerThatNeverListens_isReportedNamingTheMissingAgent_andKeptRunning() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().listen("127.0.0.1", 0).agentJar(null)
                .listenTimeout(Duration.ofMillis(500)).build())) {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);   // the test worker never binds the port
            await().atMost(T).until(() -> !rec.of(ClusterEvent.Error.class).isEmpty());
            ClusterException e = rec.of(ClusterEvent.Error.class).get(0).error();
            assertThat(e.code()).isEqualTo(ClusterException.Code.NOT_LISTENING);
            assertThat(e).hasMessageContaining("has not listened on " + c.ports() + " within 500 ms (listenTimeout)")
                    .hasMessageContaining("no brigade-agent jar was found");
            assertThat(w.request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
        }
    }

    @Test
    void badListenOptions_nameTheOption() {
        assertThatThrownBy(() -> Workers.settings().listen("127.0.0.1", 70000)).hasMessageContaining("listen.port must be in 0..65535, got 70000");
        assertThatThrownBy(() -> Workers.settings().listen(" ", 80)).hasMessageContaining("listen.host must be an address");
    }
}

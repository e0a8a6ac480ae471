package dev.brigade.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.Cluster;
import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.Signal;
import dev.brigade.cluster.ProcessEntry;
import dev.brigade.examples.demo.DemoServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end, issue 5's promise: N JVMs of an unmodified server (the demo server, which knows
 * nothing of Brigade) share one port through the agent, and rolling reloads under continuous
 * load fail no request, with a new connection per request and with keep-alive clients.
 */
@Timeout(180)
class SharedPortTest {
    private static final String CP = System.getProperty("java.class.path");

    private static ClusterSettings settings(int workers) {
        ClusterSettings s = ClusterSettings.builder()
                .entry(ProcessEntry.mainClass(DemoServer.class.getName(), CP))
                .profile(dev.brigade.cluster.StartupProfile.SMALL)
                .instances(workers)
                .listen("127.0.0.1", 0)
                .classDataArchive(false)
                .shutdownHook(false)
                .killTimeout(Duration.ofSeconds(10))
                .output(line -> { })
                .build();
        assertThat(s.agentJar()).as("the brigade-agent jar, which `mvn package` builds: run these tests with `mvn verify`").isNotNull();
        return s;
    }

    /** Forks and waits until every worker has adopted the shared socket. */
    private static void startListening(Cluster c, int workers) throws Exception {
        List<ClusterEvent.Listening> listening = new CopyOnWriteArrayList<>();
        List<ClusterEvent.Error> errors = new CopyOnWriteArrayList<>();
        c.on(ClusterEvent.Listening.class, listening::add);
        c.on(ClusterEvent.Error.class, errors::add);
        c.fork();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(errors).as("errors while the workers start").isEmpty();
            return listening.size() >= workers;
        });
    }

    private static HttpLoad.Result reloadsUnderLoad(boolean keepAlive) throws Exception {
        try (Cluster c = Cluster.create(settings(2))) {
            startListening(c, 2);
            return new HttpLoad("127.0.0.1", c.ports().get(0), "/", 8, keepAlive).during(() -> {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.reload().get(90, TimeUnit.SECONDS)).isEqualTo(2);
                }
            });
        }
    }

    @Test
    void threeRollingReloadsUnderLoad_failNoRequest_newConnectionPerRequest() throws Exception {
        HttpLoad.Result r = reloadsUnderLoad(false);
        assertThat(r.failures()).as("failed requests during 3 reloads").isEmpty();
        assertThat(r.ok()).isPositive();
        assertThat(r.bodies().keySet()).as("requests were served by old and new workers").hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void threeRollingReloadsUnderLoad_failNoRequest_keepAliveClients() throws Exception {
        HttpLoad.Result r = reloadsUnderLoad(true);
        assertThat(r.failures()).as("failed requests during 3 reloads, keep-alive").isEmpty();
        assertThat(r.ok()).isPositive();
        assertThat(r.bodies().keySet()).hasSizeGreaterThanOrEqualTo(4);
    }

    /*
     * Sanity bounds (ideal 25% each; `brigade bench ports` measures the real figure): they catch a
     * worker that takes most connections or one that is starved, not the difference between
     * acceptors. Netty's epoll acceptor (`--accept loop`) gave 48% / 10% in a cold first round here
     * but 34% and 30% once warm; the blocking acceptor 26-30%. On a machine busy with other work,
     * which worker accepts also follows which ones the OS lets run (two CPU hogs on two cores: 36%
     * for the busiest in one 3 s round of five), so a round out of bounds is measured again, up to
     * three rounds: a server that skews every round fails.
     */
    @Test
    void fourWorkers_shareNewConnectionsEvenly() throws Exception {
        try (Cluster c = Cluster.create(settings(4))) {
            startListening(c, 4);
            List<String> rounds = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                HttpLoad.Result r = new HttpLoad("127.0.0.1", c.ports().get(0), "/", 8, false).run(Duration.ofSeconds(3));
                assertThat(r.failures()).isEmpty();
                assertThat(r.bodies()).hasSize(4);
                long total = r.bodies().values().stream().mapToLong(Long::longValue).sum();
                boolean even = r.maxSharePercent() < 35.0 && r.bodies().values().stream().allMatch(n -> n * 100.0 / total >= 15.0);
                rounds.add(r.bodies().values() + (even ? " even" : " uneven"));
                if (even) {
                    return;
                }
            }
            throw new AssertionError("no round shared connections evenly (busiest < 35%, every worker >= 15%): " + rounds);
        }
    }

    @Test
    void sigkillOfAWorkerUnderLoad_losesOnlyItsInFlightRequests_andRefusesNoConnection() throws Exception {
        int connections = 8;
        try (Cluster c = Cluster.create(settings(2))) {
            startListening(c, 2);
            HttpLoad load = new HttpLoad("127.0.0.1", c.ports().get(0), "/", connections, false);
            ClusterWorker victim = c.workers().get(0);
            HttpLoad.Result r = load.during(() -> {
                assertThat(load.awaitCompleted(200, Duration.ofSeconds(30))).as("load flowing before the kill").isTrue();
                victim.signal(Signal.SIGKILL);
                assertThat(load.awaitCompleted(500, Duration.ofSeconds(30))).as("the survivor keeps serving").isTrue();
            });
            assertThat(r.failed()).as("at most the killed worker's in-flight requests").isLessThanOrEqualTo(connections);
            assertThat(r.failures().keySet()).noneMatch(k -> k.startsWith("ConnectException"));
            assertThat(r.ok()).isPositive();
        }
    }
}

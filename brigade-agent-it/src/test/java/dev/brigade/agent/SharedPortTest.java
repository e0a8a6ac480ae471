package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.support.Jdks;
import dev.brigade.agent.support.Shared;
import dev.brigade.agent.support.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Two unmodified servers in two worker JVMs accept from the one socket the test process bound. */
class SharedPortTest {
    static final List<String> APPS = List.of("HttpServerApp", "ServerSocketApp", "AsyncServerApp", "JettyApp", "TomcatApp");

    static Stream<Arguments> jdkAndApp() {
        return Jdks.installed().stream().flatMap(jdk -> APPS.stream().map(app -> Arguments.of(jdk, app)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("jdkAndApp")
    @Timeout(60)
    void twoWorkers_onePort_bothServe(Jdks.Jdk jdk, String app) throws Exception {
        try (Shared shared = new Shared();
             Worker a = start(jdk, app, shared);
             Worker b = start(jdk, app, shared)) {
            for (Worker w : List.of(a, b)) {
                w.awaitReady();
                assertThat(w.notices.await(l -> true, Duration.ofSeconds(5))).isEqualTo("BRIGADE_LISTENING " + shared.port);
            }
            Map<Integer, Integer> perPid = requests(shared.port, 200, 4);
            System.out.printf("distribution %s on %s, 200 requests: %s (worker pids %d, %d)%n", app, jdk, perPid, a.pid, b.pid);
            assertThat(perPid.keySet()).containsExactlyInAnyOrder(a.pid, b.pid);
            assertThat(perPid.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
            assertThat(a.err.snapshot()).noneMatch(l -> l.startsWith("brigade-agent"));
        }
    }

    static Worker start(Jdks.Jdk jdk, String app, Shared shared) throws Exception {
        return Worker.start(new Worker.Spec(jdk.java(), app, List.of("127.0.0.1", Integer.toString(shared.port)),
                shared.listenFds(), List.of(shared.fd), true));
    }

    /** {@code n} GETs, each on a new connection, from {@code threads} clients; answers per pid. */
    static Map<Integer, Integer> requests(int port, int n, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> Shared.get(port)));
            }
            Map<Integer, Integer> perPid = new TreeMap<>();
            for (Future<Integer> f : answers) {
                perPid.merge(f.get(), 1, Integer::sum);
            }
            return perPid;
        } finally {
            pool.shutdownNow();
        }
    }
}

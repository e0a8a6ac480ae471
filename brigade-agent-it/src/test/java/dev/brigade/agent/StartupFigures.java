package dev.brigade.agent;

import dev.brigade.agent.support.Jdks;
import dev.brigade.agent.support.Shared;
import dev.brigade.agent.support.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Start → listening of the JDK HttpServer app, with and without the agent (figures, no
 * assertion). Run: {@code mvn -B -o -pl brigade-agent verify -Dtest=StartupFigures -Dbrigade.figures=true},
 * then read target/surefire-reports/dev.brigade.agent.StartupFigures-output.txt.
 */
@EnabledIfSystemProperty(named = "brigade.figures", matches = "true")
class StartupFigures {
    private static final int RUNS = 7;

    @Test
    @Timeout(120)
    void startToListening_withAndWithoutAgent() throws Exception {
        for (Jdks.Jdk jdk : Jdks.installed()) {
            List<Long> plain = new ArrayList<>(), agent = new ArrayList<>(), notice = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                try (Worker w = Worker.start(new Worker.Spec(jdk.java(), "HttpServerApp", List.of("127.0.0.1", "0"), null, List.of(), false))) {
                    w.awaitReady();
                    plain.add((System.nanoTime() - t0) / 1_000_000);
                }
                try (Shared shared = new Shared()) {
                    t0 = System.nanoTime();
                    try (Worker w = SharedPortTest.start(jdk, "HttpServerApp", shared)) {
                        w.notices.await(l -> true, Duration.ofSeconds(30));
                        notice.add((System.nanoTime() - t0) / 1_000_000);
                        w.awaitReady();
                        agent.add((System.nanoTime() - t0) / 1_000_000);
                    }
                }
            }
            System.out.printf("start -> listening, JDK HttpServer app on %s, %d runs (ms, sorted): no agent %s | agent %s"
                    + " (spawn -> BRIGADE_LISTENING notice %s)%n", jdk, RUNS, sorted(plain), sorted(agent), sorted(notice));
        }
    }

    private static List<Long> sorted(List<Long> l) {
        return l.stream().sorted().toList();
    }
}

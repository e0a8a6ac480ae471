package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a worker JVM loads as it starts and answers a request. Each class costs start-up time and
 * memory in every worker; these ones were measured to cost most (see StartupProfile.SMALL).
 */
class WorkerStartupTest {
    @Test
    void a_worker_spins_no_lambda_of_ours_from_start_to_disconnect_and_starts_neither_bigdecimal_nor_java_util_logging() throws Exception {
        List<String> loaded = new CopyOnWriteArrayList<>();
        ClusterSettings s = Workers.settings().jvmOptions("-Xlog:class+load=info:stdout")
                .output(line -> loaded.add(line.text())).build();
        try (Cluster c = Cluster.create(s)) {
            ClusterWorker w = c.fork().get(0);
            assertThat(w.request("ping", Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS)).isEqualTo("pong");
            w.disconnect().get(30, TimeUnit.SECONDS); // its output is complete once it exited
        }
        assertThat(loaded).as("class loading was logged").anyMatch(l -> l.contains("dev.brigade.cluster.internal.WorkerRuntime "));
        assertThat(loaded).as("lambda classes of the worker's start-up path (each is generated at run time)")
                .noneMatch(l -> l.contains("dev.brigade.cluster.") && l.contains("$$Lambda") && !l.contains("TestWorker$$Lambda"));
        assertThat(loaded).as("BigDecimal: its class initialisation allocates MBs (Duration.multipliedBy uses it)")
                .noneMatch(l -> l.contains(" java.math.BigDecimal "));
        assertThat(loaded).as("java.util.logging: started by the first System.getLogger")
                .noneMatch(l -> l.contains(" java.util.logging.LogManager "));
    }
}

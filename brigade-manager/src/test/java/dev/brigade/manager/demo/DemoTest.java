package dev.brigade.manager.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoTest {
    @Test
    @Timeout(60)
    void demo_clusterAndPoolPhasesOnRealServers_everyCheckHolds_withinAMinute_leavingNothingRunning() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int code = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("requests served", "failed requests (load)", "failed requests (kill)",
                "failed requests (reload)", "distribution across workers", "restart after SIGKILL",
                "memory per worker", "[ok] the rolling reload under load failed no request",
                "hash requests/s", "/cheap latency p99 (ms)", "[ok] no request failed", "demo: every check held");
        assertThat(took).isLessThan(Duration.ofSeconds(60));
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(ClusterDemo.DEMO_MAIN)))
                .as("no demo worker left running").isEmpty();
    }
}

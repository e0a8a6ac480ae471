package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.internal.TestPrimary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real primary JVM (the same-program entry) whose death must not leave workers behind. */
@Timeout(60)
class PrimaryDeathTest {
    static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

    /** Starts TestPrimary and returns it once both workers are online; their pids land in {@code workers}. */
    static Process startPrimary(List<Long> workers, BlockingQueue<String> lines) throws Exception {
        Process p = new ProcessBuilder(JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", Workers.CP, TestPrimary.class.getName())
                .redirectErrorStream(true).start();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the primary died
            }
        });
        while (workers.size() < 2) {
            String l = lines.poll(20, TimeUnit.SECONDS);
            assertThat(l).as("primary output before both workers are online").isNotNull();
            if (l.startsWith("online ")) {
                workers.add(Long.parseLong(l.substring(7)));
            }
        }
        return p;
    }

    /** Alive and not a zombie (an orphan's zombie waits for init, which may not reap in a container). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void workers_exit_within_a_second_when_the_primary_is_killed_with_sigkill() throws Exception {
        List<Long> workers = new ArrayList<>();
        Process primary = startPrimary(workers, new LinkedBlockingQueue<>());
        assertThat(workers).allMatch(PrimaryDeathTest::running);
        long t0 = System.nanoTime();
        primary.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> workers.stream().noneMatch(PrimaryDeathTest::running));
        System.out.println("orphans gone " + (System.nanoTime() - t0) / 1_000_000 + " ms after SIGKILL of the primary");
    }

    @Test
    void sigterm_drains_the_workers_and_the_primary_exits() throws Exception {
        List<Long> workers = new ArrayList<>();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process primary = startPrimary(workers, lines);
        ProcessHandle.of(primary.pid()).orElseThrow().destroy(); // SIGTERM; Process.destroy would close its stdout
        assertThat(primary.waitFor(10, TimeUnit.SECONDS)).isTrue();
        System.out.println("primary exit code " + primary.exitValue());
        assertThat(workers).noneMatch(PrimaryDeathTest::running);
        List<String> exits = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).alias("exit lines in " + exits).until(() -> {
            lines.drainTo(exits);
            return exits.stream().filter(l -> l.startsWith("exit ")).count() == 2;
        });
        assertThat(exits.stream().filter(l -> l.startsWith("exit "))).allMatch(l -> l.endsWith("exit code 0"));
    }
}

package dev.brigade.worker.lifetime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Node's lifetimes in a real JVM: a worker keeps its process alive until its {@code exit} event
 * and the messages before it have been delivered, unless it is unref'd.
 */
class LifetimeTest {
    private static final int RUNS = 20;

    record Run(int code, String stdout, String stderr) {}

    static Run run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        String modulePath = System.getProperty("jdk.module.path", "");
        cmd.add(modulePath.isEmpty() ? System.getProperty("java.class.path")
                : modulePath + File.pathSeparator + System.getProperty("java.class.path"));
        cmd.add(ReturningMain.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return new Run(-1, out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        }
        return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Test
    @Timeout(value = 20 * 60)
    void mainReturns_theWorkerStillDeliversItsMessagesThenExit_everyRun() throws Exception {
        for (int i = 1; i <= RUNS; i++) {
            Run r = run();
            assertThat(r.stdout().lines().toList())
                    .as("run %d of %d; stderr:%n%s", i, RUNS, r.stderr())
                    .containsExactly("main returns", "m1", "m2", "m3", "exit 7");
            assertThat(r.code()).as("JVM exit code, run %d", i).isZero();
        }
    }

    @Test
    @Timeout(value = 5 * 60)
    void anUnrefdWorker_doesNotKeepTheJvmAlive() throws Exception {
        Run r = run("unref");
        assertThat(r.code()).as("the JVM ended by itself (-1: killed after 60 s); stderr:%n%s", r.stderr()).isZero();
        assertThat(r.stdout().lines().toList()).containsExactly("main returns");
    }

    @Test
    @Timeout(value = 5 * 60)
    void aWorkerRefdAgainAfterUnref_keepsTheJvmAliveAgain() throws Exception {
        Run r = run("reref");
        assertThat(r.stdout().lines().toList()).as("stderr:%n%s", r.stderr())
                .containsExactly("main returns", "m1", "m2", "m3", "exit 7");
        assertThat(r.code()).isZero();
    }
}

package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.internal.TestLifetimePrimary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Node's lifetimes for a primary: its workers keep it alive; a worker that exits 0 is done. */
@Timeout(120)
class ClusterLifetimeTest {
    static final Duration T = Duration.ofSeconds(30);

    @Test
    void a_primary_whose_main_returns_after_fork_lives_until_its_workers_are_done_then_ends() throws Exception {
        Process p = new ProcessBuilder(PrimaryDeathTest.JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", Workers.CP,
                TestLifetimePrimary.class.getName()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (var in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "(unreadable: " + e + ")";
            }
        });
        boolean ended = p.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String output = out.get(10, TimeUnit.SECONDS);
        assertThat(ended).as("the primary ended by itself once its workers were done:\n" + output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines.stream().filter(l -> l.matches("\\[worker \\d+] got ping answered"))).as(output).hasSize(2);
        assertThat(lines.stream().filter(l -> l.matches("exit \\d+ exit code 0"))).as(output).hasSize(2);
        assertThat(lines.stream().filter(l -> l.startsWith("fork "))).as("no worker restarted:\n" + output).hasSize(2);
    }

    /** Repeated: the two workers exit at the same moment, and the second exit's event raced the first's idle check. */
    @RepeatedTest(12)
    void awaitTermination_returns_once_every_worker_exited_0_and_their_events_were_delivered() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(2).args("return-at-start").build())) {
            var rec = new Workers.Recorder(c);
            c.fork();
            assertThat(c.awaitTermination(T)).isTrue();
            assertThat(rec.of(ClusterEvent.Exit.class)).hasSize(2)
                    .allSatisfy(e -> assertThat(e.status()).isEqualTo(ExitStatus.exited(0)));
            assertThat(rec.of(ClusterEvent.Fork.class)).as("a clean exit is not restarted").hasSize(2);
            assertThat(c.workers()).isEmpty();
        }
    }

    @Test
    void awaitTermination_waits_while_a_worker_runs_and_a_policy_may_restart_clean_exits() throws Exception {
        var policy = RestartPolicy.defaults().withRestartCleanExits(true);
        Cluster c = Cluster.create(Workers.settings().restart(policy).build());
        try {
            var rec = new Workers.Recorder(c);
            ClusterWorker w = c.fork().get(0);
            w.online().get(T.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(c.awaitTermination(Duration.ofMillis(200))).as("a worker is running").isFalse();
            w.send("exit:0");
            await().atMost(T).until(() -> rec.of(ClusterEvent.Online.class).size() == 2);
            assertThat(c.awaitTermination(Duration.ZERO)).isFalse();
            c.close();
            assertThat(c.awaitTermination(T)).as("closed").isTrue();
        } finally {
            c.close();
        }
    }

    @Test
    void explicit_entries_run_with_the_jvm_defaults_and_the_same_program_with_the_small_profile() {
        Path jar = Path.of(Workers.CP.split(java.io.File.pathSeparator)[0]);
        assertThat(ClusterSettings.builder().entry(ProcessEntry.mainClass("a.Main", Workers.CP)).build().profile())
                .isEqualTo(StartupProfile.JVM_DEFAULTS);
        if (jar.toFile().isFile()) {
            assertThat(ClusterSettings.builder().entry(ProcessEntry.jar(jar)).build().profile()).isEqualTo(StartupProfile.JVM_DEFAULTS);
        }
        assertThat(ClusterSettings.builder().build().profile()).isEqualTo(StartupProfile.SMALL);
        assertThat(ClusterSettings.builder().entry(ProcessEntry.mainClass("a.Main", Workers.CP)).profile(StartupProfile.SMALL)
                .build().profile()).isEqualTo(StartupProfile.SMALL);
    }
}

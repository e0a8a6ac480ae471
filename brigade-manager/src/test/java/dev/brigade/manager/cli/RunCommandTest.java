package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** brigade run, as a real separate process: logs on stdout, SIGTERM, crash loops, PID 1. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RunCommandTest {
    private final TestHome home = new TestHome();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        home.close();
    }

    /** A process and everything it printed so far. */
    record Run(Process process, StringBuffer out, StringBuffer err) {
        long exit() throws InterruptedException {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited; stderr: %s", err).isTrue();
            return process.exitValue();
        }
    }

    private Run start(List<String> prefix, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(RunProcess.brigadeCommand());
        cmd.addAll(List.of("run", "--home", home.dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        started.add(p);
        Run r = new Run(p, new StringBuffer(), new StringBuffer());
        RunProcess.pump(p.getInputStream(), r.out());
        RunProcess.pump(p.getErrorStream(), r.err());
        return r;
    }

    @Test
    void run_streamsTheAppsLines_servesTheSocket_andSigtermStopsEverything_exit0() throws Exception {
        Run run = start(List.of(), "--name", "tiny", "-i", "2", "--kill-timeout", "3s", "--cp", RunProcess.testClasses(),
                TestApp.class.getName(), "--", "hello");
        await().atMost(Duration.ofSeconds(20)).until(() -> run.out().toString().contains("tiny-0 | test app instance 0 port null args hello")
                && run.out().toString().contains("tiny-1 | test app instance 1"));
        // the home's control socket is served by the run process: ls sees its apps
        assertThat(home.instances("tiny")).hasSize(2).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
        List<ProcessHandle> apps = run.process().descendants().toList();
        assertThat(apps).isNotEmpty();

        run.process().destroy(); // SIGTERM
        assertThat(run.exit()).as(run.err().toString()).isZero();
        assertThat(apps).noneMatch(ProcessHandle::isAlive);
        assertThat(Files.exists(home.dir.resolve("daemon.sock"))).isFalse();
    }

    @Test
    void crashLoop_exitsNonZero_withTheLastLinesOnStderr() throws Exception {
        Run run = start(List.of(), "--name", "boom", "--max-restarts", "1", "--restart-delay", "10ms",
                "--", "sh", "-c", "echo going down; exit 3");
        assertThat(run.exit()).isEqualTo(Main.FAILED);
        assertThat(run.out().toString()).contains("boom-0 | going down");
        assertThat(run.err().toString()).contains("every app has stopped or errored", "boom-0 errored (exit code 3)",
                "boom-0 | going down", "errored, not restarted");
    }

    @Test
    void brigadeKill_nextToRun_stopsIt_exit0() throws Exception {
        Run run = start(List.of(), "--name", "naps", "--", "sleep", "1000");
        await().atMost(Duration.ofSeconds(20)).until(() -> run.err().toString().contains("SIGTERM or Ctrl-C stops them"));
        assertThat(home.brigade("kill").out()).contains("stopped 1 app(s)");
        assertThat(run.exit()).isZero();
    }

    @Test
    void usage_withoutTarget_orWithABadOption() throws Exception {
        MainTest.Outcome none = home.brigade("run");
        assertThat(none.code()).isEqualTo(Main.USAGE);
        assertThat(none.err()).contains("give a TARGET", "--resurrect");
        MainTest.Outcome bad = home.brigade("run", "-i", "lots", "--", "sleep", "1");
        assertThat(bad.code()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).contains("--instances: expected an integer in 1..1024, \"max\", 0 (max) or -1 (one less than the cores), got \"lots\"");
    }

    /** As PID 1 (a new PID namespace, as in a container), an orphan re-parented to it is reaped. */
    @Test
    void asPid1_orphansAreReaped() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare"))
                && new ProcessBuilder("/usr/bin/unshare", "--user", "--pid", "--fork", "--map-root-user", "--mount-proc", "true")
                .start().waitFor() == 0, "unprivileged PID namespaces are not available");
        Run run = start(List.of("/usr/bin/unshare", "--user", "--pid", "--fork", "--map-root-user", "--mount-proc", "--kill-child"),
                "--name", "parent", "--", "sh", "-c", "sh -c 'sleep 0.7 &'; echo parent-left-an-orphan; exec sleep 1000");
        await().atMost(Duration.ofSeconds(20)).until(() -> run.out().toString().contains("parent-left-an-orphan")
                && run.err().toString().contains("SIGTERM or Ctrl-C stops them"));
        assertThat(run.err().toString()).contains("(PID 1: reaping orphans)");
        ProcessHandle pid1 = run.process().children().findFirst().orElseThrow(); // unshare's child: the JVM, PID 1 inside
        // the orphan (sleep 0.7) is now a child of PID 1; once it exits it must be reaped, not left a zombie
        long orphan = await().atMost(Duration.ofSeconds(5)).until(() -> pid1.children()
                .filter(c -> c.info().arguments().map(a -> List.of(a).equals(List.of("0.7"))).orElse(false))
                .map(ProcessHandle::pid).findFirst(), Optional::isPresent).orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(Path.of("/proc", Long.toString(orphan))));
        pid1.destroy(); // SIGTERM to PID 1 of the namespace: it has a handler, so it is delivered
        assertThat(run.exit()).as(run.err().toString()).isZero();
    }
}

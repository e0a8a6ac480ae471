package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.manager.cli.QuickLsTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands the daemon runs for the launcher's bash client (ListFifo "cli", CliRunner): the real
 * {@code ./brigade} script against a real daemon, BRIGADE_QUICK_CLI=only so that a command the
 * daemon did not run exits 3 instead of silently starting a JVM. What the client's shell knows
 * (its directory, PATH) must reach the command; exit codes, stdout and stderr come back apart.
 */
class QuickCliTest {
    static Path executable(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    @Test
    void start_resolvesRelativePathsAndPathInTheClientsShell_andPrintsLikeTheJavaPath(@TempDir Path dir) throws Exception {
        try (TestHome home = new TestHome()) {
            assertThat(home.brigade("ls").code()).isZero(); // a daemon
            Path work = Files.createDirectories(dir.resolve("work"));
            executable(work.resolve("napper.sh"), "exec sleep 1000");
            Path bin = Files.createDirectories(dir.resolve("bin"));
            executable(bin.resolve("mytool"), "exec sleep 1000");

            Run nap = QuickLsTest.launcher(home, work, Map.of(), "start", "--name", "nap", "./napper.sh");
            assertThat(nap.code()).as(nap.err()).isZero();
            assertThat(nap.out()).startsWith("id  name  #  mode").contains("nap", "fork");
            Run tool = QuickLsTest.launcher(home, work, Map.of("PATH", bin + ":" + System.getenv("PATH")), "start", "--name", "tool", "mytool");
            assertThat(tool.code()).as(tool.err()).isZero();

            await().atMost(Duration.ofSeconds(30)).until(() -> home.instances("nap").get(0).get("status").asText().equals("online")
                    && home.instances("tool").get(0).get("status").asText().equals("online"));
            Run described = QuickLsTest.launcher(home, dir, Map.of(), "describe", "nap");
            assertThat(described.code()).isZero();
            assertThat(described.out()).contains("cwd           " + work, work.resolve("napper.sh").toString());
            assertThat(QuickLsTest.launcher(home, dir, Map.of(), "describe", "tool").out()).contains(bin.resolve("mytool").toString());

            Run stop = QuickLsTest.launcher(home, dir, Map.of(), "delete", "nap");
            assertThat(stop.code()).isZero();
            assertThat(home.brigade("ls").out()).doesNotContain("nap");
        }
    }

    @Test
    void failures_keepTheirExitCodes_andGoToStderr() throws Exception {
        try (TestHome home = new TestHome()) {
            assertThat(home.brigade("ls").code()).isZero();
            Run unknown = QuickLsTest.launcher(home, "describe", "nope");
            assertThat(unknown.code()).isEqualTo(Main.FAILED);
            assertThat(unknown.out()).isEmpty();
            assertThat(unknown.err()).contains("no app named or numbered \"nope\"");

            Run usage = QuickLsTest.launcher(home, "start", "--bogus", "x");
            assertThat(usage.code()).isEqualTo(Main.USAGE);
            assertThat(usage.err()).contains("Unknown option: '--bogus'");

            Run missing = QuickLsTest.launcher(home, "start", "/no/such/app.jar");
            assertThat(missing.code()).isEqualTo(Main.FAILED);
            assertThat(missing.err()).contains("/no/such/app.jar");
        }
    }

    @Test
    void whatTheDaemonDoesNotRun_goesToAJvm(@TempDir Path dir) throws Exception {
        try (TestHome home = new TestHome()) {
            assertThat(home.brigade("ls").code()).isZero();
            Path yaml = Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - name: y\n    script: sleep\n    args: [1000]\n");
            assertThat(QuickLsTest.launcher(home, "start", yaml.toString()).code()).as("brigade.yaml: resolved by the client").isEqualTo(3);

            long pid = Long.parseLong(Files.readString(home.dir.resolve("ls.pid")).trim().split(" ")[0]); // "PID STARTTIME"
            ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
            daemon.destroyForcibly();
            daemon.onExit().get(10, TimeUnit.SECONDS);
            assertThat(QuickLsTest.launcher(home, "describe", "x").code()).as("no daemon").isEqualTo(3);
        }
    }
}

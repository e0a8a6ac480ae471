package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The launcher's bash client sends nothing to a daemon it cannot trust, and never waits on a
 * process that is not its daemon: a pid in ls.pid that was reused by another process, or a home
 * that others may write, makes it take the ordinary path at once (exit 3 in the tests' "only" mode).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherTrustTest {
    private final TestHome home = new TestHome();
    private Process stranger;

    @AfterEach
    void cleanUp() {
        if (stranger != null) {
            stranger.destroyForcibly();
        }
        home.close();
    }

    /** A live process that is not the daemon, and a pipe where the daemon's would be, with nobody reading it. */
    private FileChannel fakeDaemon(String startTime) throws Exception {
        stranger = new ProcessBuilder("sleep", "300").start();
        Path fifo = home.dir.resolve("ls.fifo");
        assertThat(new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor()).isZero();
        String real = Files.readString(Path.of("/proc/" + stranger.pid() + "/stat"));
        String start = real.substring(real.lastIndexOf(')') + 2).split(" ")[19];
        Files.writeString(home.dir.resolve("ls.pid"), stranger.pid() + " " + (startTime != null ? startTime : start) + "\n");
        Files.setPosixFilePermissions(home.dir.resolve("ls.pid"), PosixFilePermissions.fromString("rw-------"));
        return FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE); // keeps it open, to read what was sent
    }

    private static String drained(FileChannel fifo) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4096);
        var readable = new java.util.concurrent.CompletableFuture<Integer>();
        Thread.ofVirtual().start(() -> {
            try {
                // a line is there, or the pipe is empty: a marker written now is all we read then
                fifo.write(ByteBuffer.wrap("END\n".getBytes()));
                readable.complete(fifo.read(b));
            } catch (java.io.IOException e) {
                readable.completeExceptionally(e);
            }
        });
        readable.get(10, TimeUnit.SECONDS);
        return new String(b.array(), 0, b.position());
    }

    @Test
    void aPidReusedByAnotherProcess_isNotTakenForTheDaemon_andNothingIsSent() throws Exception {
        try (FileChannel fifo = fakeDaemon("1")) { // the start time of a daemon long gone
            QuickLsTest.Run r = QuickLsTest.launcher(home, Path.of("").toAbsolutePath(), Map.of(), "describe", "x");
            assertThat(r.code()).as(r.err()).isEqualTo(3);
            QuickLsTest.Run ls = QuickLsTest.launcher(home, "ls");
            assertThat(ls.code()).as(ls.err()).isEqualTo(3);
            assertThat(drained(fifo)).isEqualTo("END\n");
        }
    }

    @Test
    void aHomeOthersMayWrite_getsNothingSent() throws Exception {
        try (FileChannel fifo = fakeDaemon(null)) { // pid and start time match: only the home's mode is wrong
            Files.setPosixFilePermissions(home.dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            QuickLsTest.Run ls = QuickLsTest.launcher(home, "ls");
            assertThat(ls.code()).as(ls.err()).isEqualTo(3);
            QuickLsTest.Run d = QuickLsTest.launcher(home, Path.of("").toAbsolutePath(), Map.of(), "describe", "x");
            assertThat(d.code()).as(d.err()).isEqualTo(3);
            assertThat(drained(fifo)).isEqualTo("END\n");
            assertThat(home.dir).isDirectoryNotContaining("glob:**/cli-*.req");
        } finally {
            Files.setPosixFilePermissions(home.dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aTrustedFakeDaemonThatNeverAnswers_isGivenUpOn_atTheDeadline() throws Exception {
        try (FileChannel fifo = fakeDaemon(null)) { // looks exactly like a daemon, but nothing reads its pipe
            QuickLsTest.Run r = QuickLsTest.launcher(home, Path.of("").toAbsolutePath(), Map.of("BRIGADE_QUICK_TIMEOUT", "2"),
                    "describe", "x");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("did not answer 'describe' within 2 s", "BRIGADE_QUICK_TIMEOUT");
        }
    }
}

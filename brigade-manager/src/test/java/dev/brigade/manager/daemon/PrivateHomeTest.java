package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** BRIGADE_HOME must be the user's own and private, and so must every file the daemon writes in it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrivateHomeTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aHomeWritableByOthers_isRefused_withItsPathModeAndTheFix() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("home"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Throwable t = catchThrowable(() -> DaemonClient.connect(new Home(dir)));
        assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("BRIGADE_HOME " + dir)
                .hasMessageContaining("is yours (" + System.getProperty("user.name")).hasMessageContaining("mode 0777").hasMessageContaining("writable by group and others")
                .hasMessageContaining("chmod 700 " + dir);
        assertThat(dir.resolve("daemon.sock")).doesNotExist();
        assertThat(dir.resolve("daemon.log")).doesNotExist();
    }

    @Test
    void aGroupWritableHome_isRefusedToo() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("home"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(catchThrowable(() -> new Home(dir).prepare())).hasMessageContaining("mode 0770")
                .hasMessageContaining("writable by group");
    }

    @Test
    void aHomeOwnedByAnotherUser_isRefused_withItsOwner() throws IOException {
        Assumptions.assumeTrue(PrivateFiles.uid() == 0, "skipped: giving a directory to another user needs root (CI runs as root)");
        Path dir = Files.createDirectory(tmp.resolve("home"), PosixFilePermissions.asFileAttribute(PrivateFiles.DIR));
        Files.setAttribute(dir, "unix:uid", 65534);
        assertThat(catchThrowable(() -> new Home(dir).prepare())).hasMessageContaining("BRIGADE_HOME " + dir)
                .hasMessageContaining("(uid 65534), not by you").hasMessageContaining("chown 0 " + dir);
    }

    @Test
    void aFreshHome_isCreated0700_andALinkToAPrivateHomeIsFine() throws IOException {
        Path fresh = tmp.resolve("a/b/home");
        Files.createDirectories(fresh.getParent());
        new Home(fresh).prepare();
        assertThat(mode(fresh)).isEqualTo("rwx------");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), fresh);
        new Home(link).prepare();
    }

    @Test
    void aLogPathThatIsASymbolicLink_isNotWrittenThrough() throws IOException {
        Path target = Files.writeString(tmp.resolve("victim"), "precious\n");
        Path logs = Files.createDirectory(tmp.resolve("logs"), PosixFilePermissions.asFileAttribute(PrivateFiles.DIR));
        Files.createSymbolicLink(logs.resolve("app-0.log"), target);
        LogFile log = new LogFile(logs.resolve("app-0.log"), 1 << 20, 2);
        log.append("written through a link?");
        log.flush();
        log.close();
        assertThat(Files.readString(target)).isEqualTo("precious\n");
        assertThat(log.error()).contains("cannot");
    }

    @Test
    void logsOfAnOlderVersion_areTightenedTo0600_whenReopened() throws IOException {
        Path logs = Files.createDirectory(tmp.resolve("logs"), PosixFilePermissions.asFileAttribute(PrivateFiles.DIR));
        Path old = Files.writeString(logs.resolve("app-0.log"), "old line\n");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        LogFile log = new LogFile(old, 1 << 20, 2);
        log.append("new line");
        log.close();
        assertThat(mode(old)).isEqualTo("rw-------");
        assertThat(Files.readString(old)).isEqualTo("old line\nnew line\n");
    }

    @Test
    void everyFileTheDaemonWrites_isPrivate() throws Exception {
        Home home = new Home(tmp.resolve("home"));
        try (DaemonClient c = DaemonClient.connect(home)) {
            AppSpec spec = new AppSpec("talker", "command", java.util.List.of("/bin/sh", "-c", "echo secret; exec sleep 600"),
                    tmp.toString(), 1, java.util.Map.of("DB_PASSWORD", "hunter2"), 0, 0, 2000, 30_000, 5, 100, AppSpec.FORK, null, null, 0, null);
            assertThat(c.send(new Request.Start(java.util.List.of(spec)))).isInstanceOf(Response.Ok.class);
            assertThat(c.send(new Request.Save())).isInstanceOf(Response.Ok.class);
            Path log = home.logs().resolve("talker-0.log");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> Files.exists(log)
                    && Files.readString(log).contains("secret"));
            assertThat(mode(home.dir())).isEqualTo("rwx------");
            assertThat(mode(home.logs())).isEqualTo("rwx------");
            for (Path p : java.util.List.of(log, home.dump(), home.socket(), home.daemonLog(), home.daemonLock(), home.startLock(),
                    ListFifo.pidFile(home), ListFifo.path(home))) {
                assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
            }
            c.send(new Request.Kill());
        }
    }
}

package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A second local user ({@value #PROBE}, created by the test when it runs as root, as in CI; skipped
 * with the reason otherwise) attacks a real daemon: a home it prepared, the control socket, the
 * logs, the dump, the request files. To reach the files at all, the test hard-links them into a
 * directory the probe can enter (the 0700 home alone would stop it at the door) and, for the
 * socket and the pipe, loosens their modes: what is tested is the second line of defence, the
 * checks of owners and peers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecondUserTest {
    static final String PROBE = "brigade-probe";
    private static final Duration BOUND = Duration.ofSeconds(60);

    private final Path tmp;
    private final Path open; // a directory the probe may enter and read
    private final Home home;

    SecondUserTest() throws IOException {
        tmp = Files.createTempDirectory("brigade-2nd-user-");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx")); // the probe may plant things here
        open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = new Home(tmp.resolve("home"));
    }

    @BeforeAll
    static void probeUser() throws Exception {
        Assumptions.assumeTrue(PrivateFiles.uid() == 0,
                "skipped: the second-user scenarios create the user " + PROBE + " and run as it, which needs root (CI runs as root)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")), "skipped: no /usr/sbin/runuser");
        if (run("id", "-u", PROBE).code != 0) {
            Result r = run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PROBE);
            // 9: created meanwhile by another test JVM
            assertThat(r.code == 0 || r.code == 9).as("useradd: " + r.out).isTrue();
        }
    }

    @AfterEach
    void kill() throws IOException {
        KillDaemon.of(home);
    }

    record Result(int code, String out) {
    }

    static Result run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + List.of(cmd));
        }
        return new Result(p.exitValue(), out);
    }

    /** Runs {@code cmd} as the probe user. */
    static Result asProbe(String... cmd) throws Exception {
        List<String> all = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", PROBE, "--"));
        all.addAll(List.of(cmd));
        return run(all.toArray(String[]::new));
    }

    private String daemonLog() throws IOException {
        return Files.readString(home.daemonLog());
    }

    /** Connects to the socket, sends a ping, prints whatever comes back (the daemon may answer and close before the ping is sent). */
    private static final String PING = """
            import socket, struct, sys
            s = socket.socket(socket.AF_UNIX)
            s.connect(sys.argv[1])
            body = b'{"v":1,"request":{"type":"ping"}}'
            try:
                s.sendall(struct.pack('>i', len(body)) + body)
            except OSError as e:
                print('send failed:', e)
            try:
                head = s.recv(4)
                n = struct.unpack('>i', head)[0] if len(head) == 4 else 0
                data = b''
                while len(data) < n:
                    more = s.recv(n - len(data))
                    if not more:
                        break
                    data += more
                print('answer:', data.decode())
            except OSError as e:
                print('closed:', e)
            """;

    @Test
    void aHomeAnotherUserPrepared_isRefused_namingItsOwnerAndMode() throws Exception {
        Path planted = tmp.resolve("planted");
        assertThat(asProbe("mkdir", "-m", "777", planted.toString()).code).isZero();
        Throwable t = catchThrowable(() -> DaemonClient.connect(new Home(planted)));
        assertThat(t).isInstanceOf(IOException.class).hasMessageContaining("BRIGADE_HOME " + planted)
                .hasMessageContaining("is owned by " + PROBE).hasMessageContaining("mode 0777").hasMessageContaining("chmod 700");
        assertThat(planted).isEmptyDirectory(); // nothing was created in it: no socket to capture requests on
    }

    @Test
    void theControlSocket_refusesAnotherUser_evenWithItsModeLoosened() throws Exception {
        try (DaemonClient c = DaemonClient.connect(home)) {
            c.send(new Request.Ping());
        }
        Path link = open.resolve("sock");
        Files.createLink(link, home.socket());
        Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path script = Files.writeString(open.resolve("ping.py"), PING);
        Result r = asProbe("/usr/bin/python3", script.toString(), link.toString());
        assertThat(r.out).doesNotContain("\"ok\"").contains("PEER");
        await().atMost(BOUND).until(() -> daemonLog().contains("refused a control connection from user " + PROBE));
        // and its owner is still served
        try (DaemonClient c = DaemonClient.connect(home)) {
            assertThat(c.send(new Request.Ping())).isInstanceOf(Response.Ok.class);
        }
    }

    @Test
    void logsAndTheDump_areUnreadableByAnotherUser_evenThroughALink() throws Exception {
        try (DaemonClient c = DaemonClient.connect(home)) {
            AppSpec spec = new AppSpec("secretive", "command", List.of("/bin/sh", "-c", "echo password=hunter2; exec sleep 600"),
                    tmp.toString(), 1, Map.of("DB_PASSWORD", "hunter2"), 0, 0, 2000, 30_000, 5, 100, AppSpec.FORK, null, null, 0, null);
            assertThat(c.send(new Request.Start(List.of(spec)))).isInstanceOf(Response.Ok.class);
            assertThat(c.send(new Request.Save())).isInstanceOf(Response.Ok.class);
        }
        Path log = home.logs().resolve("secretive-0.log");
        await().atMost(BOUND).until(() -> Files.exists(log) && Files.readString(log).contains("hunter2"));
        for (Path p : List.of(log, home.dump(), home.daemonLog())) {
            Path link = open.resolve(p.getFileName().toString());
            Files.createLink(link, p);
            Result r = asProbe("cat", link.toString());
            assertThat(r.code).as(p + ": " + r.out).isNotZero();
            assertThat(r.out).contains("Permission denied").doesNotContain("hunter2");
        }
    }

    @Test
    void aRequestFileAnotherUserPlanted_isNotRun() throws Exception {
        try (DaemonClient c = DaemonClient.connect(home)) {
            c.send(new Request.Ping());
        }
        int pid = 424242;
        Path reply = home.dir().resolve("ls-" + pid + ".fifo");
        assertThat(ListFifo.Posix.LIB.mkfifo(reply.toString(), 0600)).isZero();
        Path req = home.dir().resolve("cli-" + pid + ".req");
        Files.writeString(req, "/tmp\0/usr/bin:/bin\0/bin/false\0start\0--name\0evil\0--\0/bin/sleep\0600\0");
        Files.setPosixFilePermissions(req, PrivateFiles.FILE);
        assertThat(run("chown", PROBE, req.toString()).code).isZero();
        Path fifo = open.resolve("ls.fifo");
        Files.createLink(fifo, ListFifo.path(home));
        Files.setPosixFilePermissions(fifo, PosixFilePermissions.fromString("rw--w--w-"));
        try (var replies = java.nio.channels.FileChannel.open(reply, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            assertThat(asProbe("sh", "-c", "printf 'cli " + pid + "\\n' > " + fifo).code).isZero();
            await().atMost(BOUND).until(() -> daemonLog().contains("refused the request file " + req));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64);
            replies.read(b);
            assertThat(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII)).isEqualTo("no\n");
        }
        assertThat(daemonLog()).contains("owned by uid");
        try (DaemonClient c = DaemonClient.connect(home)) {
            assertThat(((Response.Apps) c.send(new Request.ListApps())).apps()).isEmpty();
        }
    }
}

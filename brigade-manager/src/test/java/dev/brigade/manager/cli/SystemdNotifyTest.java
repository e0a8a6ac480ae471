package dev.brigade.manager.cli;

import static dev.brigade.manager.cli.RunProcess.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `brigade run` under systemd: the notify protocol, received on a real Unix datagram socket as systemd binds it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SystemdNotifyTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    /** The libc calls a datagram receiver needs (Java has no Unix datagram sockets). */
    interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int socket(int domain, int type, int protocol);

        int bind(int fd, Pointer addr, int len);

        long recv(int fd, byte[] buf, long len, int flags);

        int close(int fd);
    }

    /** A bound AF_UNIX SOCK_DGRAM socket, drained into {@link #messages} whenever {@link #poll} is called. */
    static final class Receiver implements AutoCloseable {
        private static final int MSG_DONTWAIT = 0x40;
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final int fd;

        Receiver(Path path) {
            fd = Libc.INSTANCE.socket(1, 2, 0); // AF_UNIX, SOCK_DGRAM
            assertThat(fd).as("socket errno %s", Native.getLastError()).isNotNegative();
            byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
            Memory addr = new Memory(110);
            addr.clear();
            addr.setShort(0, (short) 1);
            addr.write(2, name, 0, name.length);
            assertThat(Libc.INSTANCE.bind(fd, addr, 2 + name.length + 1)).as("bind errno %s", Native.getLastError()).isZero();
        }

        /** Reads every datagram waiting (never blocks); returns what was received so far. */
        List<String> poll() {
            byte[] buf = new byte[4096];
            for (long n; (n = Libc.INSTANCE.recv(fd, buf, buf.length, MSG_DONTWAIT)) > 0; ) {
                messages.add(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
            }
            return messages;
        }

        @Override
        public void close() {
            Libc.INSTANCE.close(fd);
        }
    }

    @Test
    void run_says_READY_once_the_apps_serve_feeds_the_watchdog_and_says_STOPPING(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("notify.sock");
        try (Receiver systemd = new Receiver(socket);
             RunProcess run = RunProcess.start(Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "400000"),
                     "run", "--home", home.dir.toString(), "--name", "tiny", "--cp", RunProcess.testClasses(),
                     TestApp.class.getName())) {
            await().atMost(BOUND).until(() -> systemd.poll().stream().anyMatch(m -> m.contains("READY=1")));
            // READY=1 only once the instance counted as started (its min uptime, 1 s by default)
            assertThat(home.instances("tiny").get(0).get("status").asText()).isEqualTo("online");
            assertThat(home.instances("tiny").get(0).get("uptimeMs").asLong()).isGreaterThanOrEqualTo(1000);
            String ready = systemd.poll().stream().filter(m -> m.contains("READY=1")).findFirst().orElseThrow();
            assertThat(ready).contains("MAINPID=" + run.process.pid());
            int atReady = systemd.poll().size();
            // WATCHDOG_USEC 400 ms: a WATCHDOG=1 every 200 ms while supervision lives
            await().atMost(BOUND).until(() -> systemd.poll().subList(atReady, systemd.poll().size()).stream()
                    .filter("WATCHDOG=1"::equals).count() >= 3);

            run.process.toHandle().destroy(); // systemd's SIGTERM
            await().atMost(BOUND).until(() -> systemd.poll().stream().anyMatch(m -> m.startsWith("STOPPING=1")));
            assertThat(run.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(run.process.exitValue()).isZero();
        }
    }

    @Test
    void a_WATCHDOG_PID_of_another_process_means_no_watchdog_but_READY_still_comes(@TempDir Path dir)
            throws Exception {
        Path socket = dir.resolve("notify.sock");
        try (Receiver systemd = new Receiver(socket);
             RunProcess run = RunProcess.start(Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "200000",
                     "WATCHDOG_PID", "1"), "run", "--home", home.dir.toString(), "--name", "tiny", "--cp",
                     RunProcess.testClasses(), TestApp.class.getName())) {
            await().atMost(BOUND).until(() -> systemd.poll().stream().anyMatch(m -> m.contains("READY=1")));
            // the watchdog belongs to pid 1 here: a second of supervision sends no WATCHDOG=1
            long sampledAt = home.instances("tiny").get(0).get("uptimeMs").asLong();
            await().atMost(BOUND).until(() -> home.instances("tiny").get(0).get("uptimeMs").asLong() > sampledAt + 1000);
            assertThat(systemd.poll()).noneMatch("WATCHDOG=1"::equals);
        }
    }
}

package dev.brigade.manager.cli;

import static dev.brigade.manager.cli.RunProcess.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.brigade.cluster.ExitStatus;
import dev.brigade.cluster.internal.Listeners;
import dev.brigade.cluster.internal.Reaper;
import dev.brigade.cluster.internal.Spawner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `brigade run` under systemd socket activation, passed its sockets as systemd does: this test plays
 * systemd's part. It binds and listens on 127.0.0.1:0 itself, puts the socket at descriptor 3 of the
 * child (posix_spawn with dup2, as the cluster spawns workers), and sets LISTEN_FDS, LISTEN_FDNAMES and
 * LISTEN_PID, the last one to the child's own pid: a shell between the spawn and the JVM exports its
 * own pid ($$) and execs the JVM in its place, keeping that pid (what systemd does between fork and exec).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SocketActivationTest {
    private static final int SIGTERM = 15;

    @RegisterExtension
    final TestHome home = new TestHome();

    /** One `brigade run` started as systemd starts a socket-activated service; its output in a file. */
    static final class Activated implements AutoCloseable {
        final int pid;
        final Path log;
        final CompletableFuture<ExitStatus> exit;
        private final Spawner.Spawned spawned;

        Activated(Path log, List<Integer> fds, String names, String... args) throws IOException {
            this.log = log;
            List<String> argv = new ArrayList<>(List.of("sh", "-c", "LISTEN_PID=$$; export LISTEN_PID; exec \"$@\" >>\"$RUN_LOG\" 2>&1",
                    "sh", ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            argv.addAll(List.of(args));
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("LISTEN_FDS", Integer.toString(fds.size()));
            env.put("LISTEN_FDNAMES", names);
            env.put("RUN_LOG", log.toString());
            spawned = Spawner.spawn("/bin/sh", argv, env, fds);
            pid = spawned.pid();
            exit = Reaper.watch(pid, "brigade run");
        }

        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        /** SIGTERM, as systemctl stop sends it; waits for the exit. */
        ExitStatus stop() throws Exception {
            Spawner.kill(pid, SIGTERM, false);
            return exit.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            });
            Spawner.kill(pid, 9, false);
            exit.orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
            C.INSTANCE.close(spawned.stdoutFd());
            C.INSTANCE.close(spawned.stderrFd());
        }
    }

    /** The raw libc calls for a socket that is not a listening TCP one. */
    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int socket(int domain, int type, int protocol);

        int close(int fd);
    }

    /** One HTTP/1.0 GET on a fresh connection: the whole response, or the failure. */
    static String get(int port, String path) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) BOUND.toMillis());
            return exchange(s, path);
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    static String exchange(Socket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void run_hands_the_socket_named_by_port_NAME_to_its_workers_and_keeps_systemds_variables_from_them(@TempDir Path dir)
            throws Exception {
        Listeners.Listener systemd = Listeners.bind("127.0.0.1", 0);
        try (Activated run = new Activated(dir.resolve("run.log"), List.of(systemd.fd()), "web",
                "run", "--home", home.dir.toString(), "--name", "web", "-i", "2", "--port", "web",
                "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN)) {
            await().atMost(BOUND).until(() -> get(systemd.port(), "/").startsWith("HTTP/1.1 200"));
            await().atMost(BOUND).until(() -> home.instances("web").size() == 2
                    && home.instances("web").stream().allMatch(i -> i.get("status").asText().equals("listening")));
            assertThat(run.output()).contains("socket activation: fd 3 (name \"web\", 127.0.0.1:" + systemd.port() + ")")
                    .doesNotContain("Address already in use").doesNotContain("warning");
            assertThat(home.ls().get(0).get("ports").get(0).asInt()).isEqualTo(systemd.port());
            for (var i : home.instances("web")) {
                String environ = Files.readString(Path.of("/proc/" + i.get("pid").asLong() + "/environ"));
                assertThat(environ).as("a worker's environment").contains("BRIGADE_LISTEN_FDS=3=127.0.0.1:" + systemd.port())
                        .doesNotContain("LISTEN_PID=").doesNotContain("\0LISTEN_FDS=").doesNotContain("LISTEN_FDNAMES=");
            }
            assertThat(run.stop().code()).as(run.output()).isZero();
        } finally {
            Listeners.close(systemd);
        }
    }

    @Test
    void the_port_survives_a_restart_of_brigade_run_a_client_connecting_in_between_waits_and_is_answered(@TempDir Path dir)
            throws Exception {
        Listeners.Listener systemd = Listeners.bind("127.0.0.1", 0);
        String port = Integer.toString(systemd.port());
        String[] args = {"run", "--home", home.dir.toString(), "--name", "api", "--port", port, "--kill-timeout", "5s",
            "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN};
        try {
            try (Activated first = new Activated(dir.resolve("first.log"), List.of(systemd.fd()), "http", args)) {
                await().atMost(BOUND).until(() -> get(systemd.port(), "/").startsWith("HTTP/1.1 200"));
                assertThat(first.stop().code()).as(first.output()).isZero();
                assertThat(first.output()).as("matched by its port").doesNotContain("no app takes it");
            }
            // no Brigade runs now: systemd's socket still listens, the connection waits in its queue
            try (Socket waiting = new Socket("127.0.0.1", systemd.port())) {
                waiting.setSoTimeout((int) BOUND.toMillis());
                CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                    try {
                        return exchange(waiting, "/");
                    } catch (IOException e) {
                        return "failed: " + e;
                    }
                });
                try (Activated second = new Activated(dir.resolve("second.log"), List.of(systemd.fd()), "http", args)) {
                    assertThat(answer.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as(second.output()).startsWith("HTTP/1.1 200");
                    assertThat(second.stop().code()).as(second.output()).isZero();
                }
            }
        } finally {
            Listeners.close(systemd);
        }
    }

    @Test
    void a_socket_no_app_takes_is_named_in_one_warning(@TempDir Path dir) throws Exception {
        Listeners.Listener web = Listeners.bind("127.0.0.1", 0);
        Listeners.Listener spare = Listeners.bind("127.0.0.1", 0);
        try (Activated run = new Activated(dir.resolve("run.log"), List.of(web.fd(), spare.fd()), "web:spare",
                "run", "--home", home.dir.toString(), "--name", "web", "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN)) {
            // matched by its name alone: the app declared no port and becomes a cluster on the socket
            await().atMost(BOUND).until(() -> get(web.port(), "/").startsWith("HTTP/1.1 200"));
            await().atMost(BOUND).until(() -> run.output().contains("brigade run: warning"));
            assertThat(run.output()).containsOnlyOnce("brigade run: warning: fd 4 (name \"spare\", 127.0.0.1:" + spare.port()
                    + ") was passed by systemd but no app takes it").doesNotContain("fd 3 (name \"web\", 127.0.0.1:" + web.port() + ") was");
            assertThat(run.stop().code()).isZero();
        } finally {
            Listeners.close(web);
            Listeners.close(spare);
        }
    }

    @Test
    void a_descriptor_that_is_not_a_listening_tcp_socket_is_a_clear_error_and_nothing_starts(@TempDir Path dir) throws Exception {
        int udp = C.INSTANCE.socket(2, 2 | 0x80000, 0); // AF_INET, SOCK_DGRAM | SOCK_CLOEXEC
        assertThat(udp).isNotNegative();
        try (Activated run = new Activated(dir.resolve("run.log"), List.of(udp), "dns",
                "run", "--home", home.dir.toString(), "--name", "web", "--port", "dns", "--cp", ClusterModeTest.DEMO_CP,
                ClusterModeTest.DEMO_MAIN)) {
            ExitStatus status = run.exit.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.code()).as(run.output()).isEqualTo(1);
            assertThat(run.output()).contains("socket activation: fd 3 (name \"dns\") of LISTEN_FDS=1 is a datagram (UDP) socket, "
                    + "not a TCP one: brigade run takes listening TCP sockets only").doesNotContain("Exception");
        } finally {
            C.INSTANCE.close(udp);
        }
    }
}

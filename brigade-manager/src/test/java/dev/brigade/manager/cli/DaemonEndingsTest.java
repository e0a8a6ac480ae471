package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * However the daemon ends, its apps end with it and nothing of it is left behind: SIGTERM stops
 * every app gracefully and exits; SIGHUP is ignored; SIGKILL is answered by the orphan guard,
 * which kills every process of every app (fork mode with grandchildren in groups of their own,
 * cluster workers), and the next command says the daemon died.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DaemonEndingsTest {
    private static final Duration BOUND = Duration.ofSeconds(60); // generous: CI is a loaded 2-core machine

    private final TestHome home = new TestHome();

    @AfterEach
    void cleanUp() {
        home.close();
        ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(home.dir.toString()))
                .orElse(false)).forEach(ProcessHandle::destroyForcibly);
    }

    private long daemonPid() throws IOException {
        return Long.parseLong(Files.readString(home.dir.resolve("ls.pid")).trim().split(" ")[0]);
    }

    private String daemonLog() throws IOException {
        return Files.readString(home.dir.resolve("daemon.log"));
    }

    /** A fork app whose shell, on SIGTERM, writes a marker and exits; it has a grandchild in a process group of its own. */
    private Path startForkApp(String name) {
        Path marker = home.dir.resolve(name + ".bye");
        MainTest.Outcome o = home.brigade("start", "--name", name, "--kill-timeout", "20s", "--", "bash", "-c",
                "trap 'echo bye > " + marker + "; exit 0' TERM; set -m; sleep " + sleepArg(name) + " & set +m; while :; do sleep 1; done");
        assertThat(o.code()).as(o.toString()).isZero();
        await().atMost(BOUND).until(() -> home.instances(name).get(0).get("pid").asLong() > 0 && !grandchildren(name).isEmpty());
        long leader = home.instances(name).get(0).get("pid").asLong();
        assertThat(grandchildren(name)).as("the grandchild leads a process group of its own")
                .allMatch(g -> field(g.pid(), 3) == g.pid() && field(g.pid(), 3) != leader);
        return marker;
    }

    private static String sleepArg(String name) {
        return Integer.toString(6000 + Math.floorMod(name.hashCode(), 1000));
    }

    /** The app's long `sleep` grandchild, in its own process group (set -m) but the daemon's session. */
    private List<ProcessHandle> grandchildren(String name) {
        String arg = sleepArg(name);
        return ProcessHandle.allProcesses().filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)
                && p.info().arguments().map(a -> a.length == 1 && a[0].equals(arg)).orElse(false)).toList();
    }

    private List<Long> startClusterApp(String name) {
        MainTest.Outcome o = home.brigade("start", "--name", name, "-i", "2", "--port", "0", "--kill-timeout", "5s",
                "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN);
        assertThat(o.code()).as(o.toString()).isZero();
        await().atMost(BOUND).until(() -> {
            List<JsonNode> inst = home.instances(name);
            return inst.size() == 2 && inst.stream().allMatch(i -> i.get("status").asText().equals("listening"));
        });
        List<Long> pids = new ArrayList<>();
        home.instances(name).forEach(i -> pids.add(i.get("pid").asLong()));
        return pids;
    }

    private int port(String name) {
        for (JsonNode app : home.ls()) {
            if (app.get("name").asText().equals(name)) {
                return app.get("ports").get(0).asInt();
            }
        }
        throw new AssertionError("no app " + name);
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Field {@code n} after the command of /proc/PID/stat (1: state, 2: ppid, 3: process group, 4: session); -1 if gone. */
    private static long field(long pid, int n) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[n - 1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Runs (a zombie does not: it is dead and holds nothing, it only waits for its new parent, init, to reap it, which
     * some inits do only every few seconds).
     */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private List<Path> ipcDirs(long daemon) throws IOException {
        try (var s = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")), "brigade-ipc-" + daemon + "-*")) {
            List<Path> l = new ArrayList<>();
            s.forEach(l::add);
            return l;
        }
    }

    @Test
    void sigterm_stopsEveryAppGracefully_thenTheDaemonRemovesItsFilesAndSaysWhy() throws Exception {
        Path marker = startForkApp("polite");
        long app = home.instances("polite").get(0).get("pid").asLong();
        List<Long> workers = startClusterApp("web");
        int port = port("web");
        long daemon = daemonPid();
        assertThat(ipcDirs(daemon)).isNotEmpty();

        ProcessHandle d = ProcessHandle.of(daemon).orElseThrow();
        assertThat(d.destroy()).isTrue(); // SIGTERM
        d.onExit().get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(marker).as("the app ran its SIGTERM handler").hasContent("bye");
        assertThat(alive(app)).isFalse();
        assertThat(workers).noneMatch(DaemonEndingsTest::alive);
        assertThat(grandchildren("polite")).noneMatch(p -> alive(p.pid()));
        assertThat(bindable(port)).as("port " + port + " is free").isTrue();
        for (String f : List.of("daemon.sock", "ls.fifo", "ls.pid", "daemon.died")) {
            assertThat(home.dir.resolve(f)).doesNotExist();
        }
        assertThat(ipcDirs(daemon)).isEmpty();
        assertThat(daemonLog()).contains("SIGTERM received: stopping 2 app(s)", "stopped (SIGTERM)");
    }

    @Test
    void sighup_isIgnored_andTheAppsStaySupervised() throws Exception {
        startForkApp("calm");
        long app = home.instances("calm").get(0).get("pid").asLong();
        long daemon = daemonPid();
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(daemon)).start();
        assertThat(hup.waitFor()).isZero();
        if (!hupIgnoredByTheKernel(daemon)) {
            await().atMost(BOUND).until(() -> daemonLog().contains("SIGHUP ignored"));
        } // else the daemon inherited SIGHUP ignored (started under nohup): the kernel discarded it as kill returned
        assertThat(alive(daemon)).isTrue();
        assertThat(daemonPid()).isEqualTo(daemon);
        assertThat(home.instances("calm").get(0).get("pid").asLong()).isEqualTo(app);
        assertThat(home.instances("calm").get(0).get("status").asText()).isEqualTo("online");
    }

    /** Whether the process ignores SIGHUP at the kernel (SigIgn in /proc/PID/status: bit 0 is signal 1). */
    private static boolean hupIgnoredByTheKernel(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0;
            }
        }
        return false;
    }

    @Test
    void sigkill_takesEveryProcessOfEveryAppAlong_andTheNextCommandSaysTheDaemonDied() throws Exception {
        startForkApp("doomed");
        long app = home.instances("doomed").get(0).get("pid").asLong();
        List<ProcessHandle> grandchildren = grandchildren("doomed");
        List<Long> workers = startClusterApp("web");
        int port = port("web");
        long daemon = daemonPid();

        ProcessHandle.of(daemon).orElseThrow().destroyForcibly(); // SIGKILL: nothing runs in the daemon any more
        long killed = System.nanoTime();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> !alive(daemon));
        long died = System.nanoTime();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> !alive(app));
        long forkGone = System.nanoTime();
        await().atMost(BOUND).until(() -> !alive(app) && workers.stream().noneMatch(DaemonEndingsTest::alive)
                && grandchildren.stream().noneMatch(p -> alive(p.pid())));
        System.out.printf("after the daemon's SIGKILL: daemon gone %d ms, fork app %d ms, every process of the apps %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(died - killed), TimeUnit.NANOSECONDS.toMillis(forkGone - killed),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
        await().atMost(BOUND).until(() -> bindable(port));
        await().atMost(BOUND).until(() -> Files.exists(home.dir.resolve("daemon.died")));

        MainTest.Outcome ls = home.brigade("ls");
        assertThat(ls.code()).isZero();
        assertThat(ls.err()).contains("the daemon (pid " + daemon + ") died at", "brigade resurrect");
        assertThat(ls.err()).contains("doomed").contains("web");
        assertThat(home.dir.resolve("daemon.died")).doesNotExist();
        assertThat(home.brigade("ls").err()).doesNotContain("died"); // said once
        assertThat(daemonPid()).isNotEqualTo(daemon);
        assertThat(ipcDirs(daemon)).as("the dead daemon's IPC directories are swept").isEmpty();
    }

    @Test
    void sigkillOfBrigadeRun_takesItsForkAppsAlong() throws Exception {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--home",
                home.dir.toString(), "--name", "fg", "-i", "2", "--", "sleep", sleepArg("fg"));
        Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(home.dir.resolve("run.out").toFile()).start();
        try {
            String arg = sleepArg("fg");
            await().atMost(BOUND).until(() -> run.descendants().filter(p -> p.info().arguments()
                    .map(a -> a.length == 1 && a[0].equals(arg)).orElse(false)).count() == 2);
            List<ProcessHandle> apps = run.descendants().filter(p -> p.info().arguments()
                    .map(a -> a.length == 1 && a[0].equals(arg)).orElse(false)).toList();
            run.destroyForcibly(); // SIGKILL
            run.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
            await().atMost(BOUND).until(() -> apps.stream().noneMatch(p -> alive(p.pid())));
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
    }
}

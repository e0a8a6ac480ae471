package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.testing.HttpLoad;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster mode end to end: the {@code brigade} command against a real daemon, which runs the
 * unmodified demo server (Netty) as a Brigade Cluster: two worker JVMs sharing one port.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterModeTest {
    /** The demo server and Netty, from the test class path. */
    static final String DEMO_CP = String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
            .split(File.pathSeparator)).filter(e -> e.contains("netty") || e.contains("demo-server")).toList());
    static final String DEMO_MAIN = "dev.brigade.examples.demo.DemoServer";

    @RegisterExtension
    final TestHome home = new TestHome();

    private List<Long> listeningPids(String app, int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<JsonNode> inst = home.instances(app);
            return inst.size() == n && inst.stream().allMatch(i -> i.get("status").asText().equals("listening"));
        });
        return home.instances(app).stream().map(i -> i.get("pid").asLong()).toList();
    }

    private static HttpLoad.Result load(int port, Duration d) throws InterruptedException {
        return new HttpLoad("127.0.0.1", port, "/", 4, false).run(d);
    }

    @Test
    void demoServer_twoWorkersShareThePort_reloadUnderLoadFailsNothing_killIsReplaced_scale_stopFreesEverything()
            throws Exception {
        // port 0: the primary binds a free port once (no probe-then-bind race with other processes)
        MainTest.Outcome o = home.brigade("start", "--name", "demo", "-i", "2", "--port", "0",
                "--kill-timeout", "5s", "--cp", DEMO_CP, DEMO_MAIN);
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(o.out()).contains("demo", "cluster");
        List<Long> first = listeningPids("demo", 2);
        int port = home.ls().get(0).get("ports").get(0).asInt();
        assertThat(port).isPositive();

        HttpLoad.Result spread = load(port, Duration.ofSeconds(2));
        assertThat(spread.failures()).isEmpty();
        assertThat(spread.bodies().keySet()).as("both workers served requests").hasSize(2);

        HttpLoad during = new HttpLoad("127.0.0.1", port, "/", 4, false);
        CompletableFuture<HttpLoad.Result> running = CompletableFuture.supplyAsync(() -> {
            try {
                return during.run(Duration.ofSeconds(90));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        MainTest.Outcome r = home.brigade("reload", "demo");
        during.stop();
        HttpLoad.Result reloaded = running.get(30, TimeUnit.SECONDS);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(reloaded.failures()).as("failed requests during the reload").isEmpty();
        assertThat(reloaded.ok()).isPositive();
        List<Long> second = listeningPids("demo", 2);
        assertThat(second).doesNotContainAnyElementsOf(first);
        assertThat(first).noneMatch(FleetCommandsTest::alive);
        assertThat(home.instances("demo")).as("a reload is no restart")
                .allSatisfy(i -> assertThat(i.get("restarts").asInt()).isZero());

        long victim = second.get(0);
        ProcessHandle.of(victim).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode i = home.instances("demo").get(0);
            return i.get("pid").asLong() != victim && i.get("status").asText().equals("listening");
        });
        JsonNode replaced = home.instances("demo").get(0);
        assertThat(replaced.get("restarts").asInt()).isEqualTo(1); // the crash, not the reload
        assertThat(replaced.get("lastExit").asText()).isEqualTo("signal SIGKILL");
        assertThat(home.brigade("describe", "demo").out()).contains("cluster mode", "sharing port " + port, "listening");

        assertThat(home.brigade("scale", "demo", "1").code()).isZero();
        List<Long> one = listeningPids("demo", 1);
        assertThat(load(port, Duration.ofMillis(500)).failures()).isEmpty();
        assertThat(home.brigade("scale", "demo", "2").code()).isZero();
        List<Long> two = listeningPids("demo", 2);
        assertThat(home.instances("demo")).as("scaling down and up again is no restart")
                .extracting(i -> i.get("restarts").asInt()).containsExactly(1, 0);
        assertThat(home.brigade("scale", "demo", "1").code()).isZero();
        listeningPids("demo", 1);

        await().atMost(Duration.ofSeconds(60)).until(() -> home.ls().get(0).path("standby").asText().startsWith("pid "));
        long standby = Long.parseLong(home.ls().get(0).get("standby").asText().replaceAll("pid (\\d+).*", "$1"));
        assertThat(FleetCommandsTest.alive(standby)).as("the standby worker, started a second after a worker serves").isTrue();
        assertThat(home.brigade("stop", "demo").code()).isZero();
        assertThat(standby).as("stopped with its app").matches(p -> !FleetCommandsTest.alive(p));
        assertThat(one).noneMatch(FleetCommandsTest::alive);
        assertThat(two).noneMatch(FleetCommandsTest::alive);
        assertThat(second.get(1)).matches(p -> !FleetCommandsTest.alive(p));
        assertThat(home.instances("demo")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("stopped"));
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(port)); // nothing listens any more: the port is free
        }
    }

    @Test
    void noStandby_keepsNoStandbyWorker() throws Exception {
        MainTest.Outcome o = home.brigade("start", "--name", "lean", "--port", "0", "--host", "127.0.0.1", "--no-standby",
                "--cp", DEMO_CP, DEMO_MAIN);
        assertThat(o.code()).as(o.toString()).isZero();
        List<Long> first = listeningPids("lean", 1);
        assertThat(home.ls().get(0).get("spec").get("standby").asBoolean()).isFalse();
        assertThat(home.brigade("describe", "lean").out()).contains("standby       off");
        assertThat(home.brigade("reload", "lean").code()).isZero();
        assertThat(listeningPids("lean", 1)).doesNotContainAnyElementsOf(first);
        assertThat(home.ls().get(0).get("standby").asText()).isEqualTo("off");
    }

    @Test
    void portAlreadyInUse_isAClearError_namingThePortAndTheApp() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            MainTest.Outcome o = home.brigade("start", "--name", "web", "--port", Integer.toString(port),
                    "--cp", DEMO_CP, DEMO_MAIN);
            assertThat(o.code()).isEqualTo(Main.FAILED);
            assertThat(o.err()).contains("app web: port " + port + " is already in use (held by pid " + ProcessHandle.current().pid() + ":");
            assertThat(home.ls()).isEmpty();
        }
    }

    @Test
    void crashLoop_isErrored_withItsLastLines() throws Exception {
        String cp = new File(Crasher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        MainTest.Outcome o = home.brigade("start", "--name", "boom", "--port", "0",
                "--max-restarts", "2", "--cp", cp, Crasher.class.getName());
        assertThat(o.code()).as(o.toString()).isEqualTo(Main.FAILED);
        await().atMost(Duration.ofSeconds(60)).until(() -> home.instances("boom").get(0).get("status").asText().equals("errored"));
        JsonNode i = home.instances("boom").get(0);
        assertThat(i.get("lastExit").asText()).startsWith("exit code 3");
        assertThat(home.brigade("describe", "boom").out()).contains("errored", "crasher going down");
        // no worker will serve its port: connections are refused, not queued
        int port = home.ls().get(0).get("ports").get(0).asInt();
        await().atMost(Duration.ofSeconds(20)).until(() -> refused(port));
        assertThat(home.brigade("logs", "boom", "--lines", "50").out()).contains("every worker is errored: port [" + port + "] released");
    }

    static boolean refused(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (java.net.ConnectException e) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aPortInUseByAnotherApp_namesThatApp_andHostBindsLoopbackOnly() throws Exception {
        MainTest.Outcome o = home.brigade("start", "--name", "first", "--port", "0", "--host", "127.0.0.1",
                "--cp", DEMO_CP, DEMO_MAIN);
        assertThat(o.code()).as(o.toString()).isZero();
        int port = home.ls().get(0).get("ports").get(0).asInt();
        String listening = String.format("0100007F:%04X", port);
        assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/tcp")))
                .as("a listening socket on 127.0.0.1:" + port + " only").anyMatch(l -> l.contains(listening) && l.contains(" 0A "))
                .noneMatch(l -> l.contains(String.format("00000000:%04X", port)) && l.contains(" 0A "));
        MainTest.Outcome second = home.brigade("start", "--name", "second", "--port", Integer.toString(port),
                "--cp", DEMO_CP, DEMO_MAIN);
        assertThat(second.code()).isEqualTo(Main.FAILED);
        assertThat(second.err()).contains("app second: port " + port + " is already in use by app first (id 1)");
    }
}

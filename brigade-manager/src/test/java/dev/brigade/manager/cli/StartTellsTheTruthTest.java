package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** start, restart, reload and scale return once the app serves, and exit 1 naming why when it does not. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartTellsTheTruthTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    private static String testClasses() throws Exception {
        return new File(TestApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void forkMode_anAppThatDiesAtOnce_failsTheStart_withItsExitAndLastLines() {
        MainTest.Outcome o = home.brigade("start", "--name", "boom", "--", "sh", "-c", "echo going down; exit 3");
        assertThat(o.code()).as(o.toString()).isEqualTo(Main.FAILED);
        assertThat(o.err()).contains("brigade: boom is not serving after start:", "boom-0 died within its min uptime of 1000 ms (exit code 3)",
                "| going down");
        assertThat(o.out()).contains("boom"); // the table is printed all the same
    }

    @Test
    void forkMode_anAppThatStaysUp_returnsOnceItHasBeenUpItsMinUptime() {
        MainTest.Outcome o = home.brigade("start", "--name", "naps", "-i", "2", "--min-uptime", "1500ms", "--", "sleep", "1000");
        assertThat(o.code()).as(o.toString()).isZero();
        // no waiting here: the command itself waited
        assertThat(home.instances("naps")).hasSize(2).allSatisfy(i -> {
            assertThat(i.get("status").asText()).isEqualTo("online");
            assertThat(i.get("uptimeMs").asLong()).isGreaterThanOrEqualTo(1500);
        });
        MainTest.Outcome r = home.brigade("restart", "naps");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(home.instances("naps")).allSatisfy(i -> assertThat(i.get("uptimeMs").asLong()).isGreaterThanOrEqualTo(1500));
        MainTest.Outcome s = home.brigade("scale", "naps", "3");
        assertThat(s.code()).as(s.toString()).isZero();
        assertThat(home.instances("naps").get(2).get("uptimeMs").asLong()).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void noWait_returnsAtOnce_evenForAnAppThatDies() {
        MainTest.Outcome o = home.brigade("start", "--no-wait", "--name", "boom", "--", "sh", "-c", "exit 3");
        assertThat(o.code()).as(o.toString()).isZero();
    }

    @Test
    void clusterMode_startReturnsOnceEveryWorkerListens() {
        MainTest.Outcome o = home.brigade("start", "--name", "demo", "-i", "2", "--port", "0", "--host", "127.0.0.1",
                "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN);
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(home.instances("demo")).hasSize(2).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("listening"));
        MainTest.Outcome r = home.brigade("reload", "demo");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(home.instances("demo")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("listening"));
    }

    @Test
    void resurrect_waitsLikeStart_untilEveryWorkerListens_andNamesAnAppThatDoesNot() throws Exception {
        // a server that listens 1.5 s after it starts: resurrect returns only once both workers listen
        assertThat(home.brigade("start", "--name", "late", "-i", "2", "--port", "0", "--host", "127.0.0.1",
                "--cp", testClasses(), LateApp.class.getName(), "--", "1500").code()).isZero();
        assertThat(home.brigade("start", "--no-wait", "--name", "boom", "--port", "0", "--max-restarts", "1",
                "--cp", testClasses(), Crasher.class.getName()).code()).isZero();
        assertThat(home.brigade("save").code()).isZero();
        assertThat(home.brigade("kill").code()).isZero();
        MainTest.Outcome r = home.brigade("resurrect");
        assertThat(r.code()).as(r.toString()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("boom is not serving after resurrect").doesNotContain("late is not serving");
        assertThat(home.instances("late")).hasSize(2).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("listening"));
        assertThat(r.out()).contains("late", "boom");
    }

    @Test
    void clusterMode_aWorkerThatDiesBeforeListening_failsTheStart() throws Exception {
        MainTest.Outcome o = home.brigade("start", "--name", "boom", "--port", "0", "--cp", testClasses(), Crasher.class.getName());
        assertThat(o.code()).as(o.toString()).isEqualTo(Main.FAILED);
        assertThat(o.err()).contains("boom is not serving after start", "boom-0 died before listening (exit code 3", "| crasher going down");
    }

    @Test
    void clusterMode_anAppBoundToAnotherPort_isReported_byStartLsAndDescribe() throws Exception {
        // the test holds the other port with SO_REUSEPORT (no probe-then-bind race); the agent gives the
        // app's bind of an undeclared port SO_REUSEPORT too, so the app binds it beside the test's socket
        try (ServerSocketChannel held = ServerSocketChannel.open()) {
            held.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            held.bind(new InetSocketAddress("127.0.0.1", 0));
            int other = ((InetSocketAddress) held.getLocalAddress()).getPort();
            MainTest.Outcome o = home.brigade("start", "--name", "stray", "--port", "0", "--host", "127.0.0.1", "--listen-timeout", "2s",
                    "--cp", testClasses(), OtherPortApp.class.getName(), "--", Integer.toString(other));
            assertThat(o.code()).as(o.toString()).isEqualTo(Main.FAILED);
            int declared = home.ls().get(0).get("ports").get(0).asInt();
            assertThat(o.err()).contains("stray-0 bound " + other + ", not the declared port " + declared);
            List<JsonNode> inst = home.instances("stray");
            assertThat(inst.get(0).get("status").asText()).isEqualTo("wrong-port");
            assertThat(home.brigade("ls").out()).contains("wrong-port");
            assertThat(home.brigade("describe", "stray").out()).contains("NOT SERVING: bound " + other + ", not the declared port " + declared);
            // never a black hole: once its listen timeout has passed, the declared port refuses connections
            await().atMost(Duration.ofSeconds(30)).until(() -> ClusterModeTest.refused(declared));
        }
    }

    @Test
    void clusterMode_aPortNobodyServesYet_refusesConnections_untilAWorkerListens() throws Exception {
        MainTest.Outcome o = home.brigade("start", "--no-wait", "--name", "late", "--port", "0", "--host", "127.0.0.1",
                "--listen-timeout", "1s", "--cp", testClasses(), LateApp.class.getName(), "--", "10000");
        assertThat(o.code()).as(o.toString()).isZero();
        int port = home.ls().get(0).get("ports").get(0).asInt();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> ClusterModeTest.refused(port));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body().equals("late but here"));
        assertThat(home.instances("late").get(0).get("status").asText()).isEqualTo("listening");
    }
}

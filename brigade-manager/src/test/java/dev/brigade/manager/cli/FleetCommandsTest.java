package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** start / ls / stop / restart / delete / describe / save / resurrect against a real daemon and real processes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetCommandsTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    static long pid(JsonNode instance) {
        return instance.get("pid").asLong();
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void start_twoInstances_areOnline_thenStop_restart_delete() {
        MainTest.Outcome o = home.brigade("start", "-i", "2", "--name", "naps", "--", "sleep", "1000");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(o.out()).contains("naps", "online");
        List<JsonNode> inst = home.instances("naps");
        assertThat(inst).hasSize(2).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
        List<Long> pids = inst.stream().map(FleetCommandsTest::pid).toList();
        assertThat(pids).allMatch(FleetCommandsTest::alive);

        assertThat(home.brigade("stop", "naps").code()).isZero();
        assertThat(pids).noneMatch(FleetCommandsTest::alive);
        assertThat(home.instances("naps")).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("stopped"));

        assertThat(home.brigade("restart", "naps").code()).isZero();
        List<JsonNode> again = home.instances("naps");
        assertThat(again).allSatisfy(i -> {
            assertThat(i.get("status").asText()).isEqualTo("online");
            assertThat(i.get("restarts").asInt()).isEqualTo(1);
        });
        assertThat(again.stream().map(FleetCommandsTest::pid)).doesNotContainAnyElementsOf(pids);

        assertThat(home.brigade("delete", "naps").code()).isZero();
        assertThat(home.ls()).isEmpty();
        assertThat(again.stream().map(FleetCommandsTest::pid)).noneMatch(FleetCommandsTest::alive);
    }

    @Test
    void stop_killsTheWholeProcessTree() {
        home.brigade("start", "--name", "tree", "--kill-timeout", "500ms", "--", "sh", "-c",
                "trap '' TERM; sleep 1000 & sleep 1000 & wait; sleep 1000");
        long leader = pid(home.instances("tree").get(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(leader).orElseThrow().descendants().count() == 2);
        List<ProcessHandle> kids = ProcessHandle.of(leader).orElseThrow().descendants().toList();
        assertThat(home.brigade("stop", "tree").code()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> kids.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(alive(leader)).isFalse();
        assertThat(home.instances("tree").get(0).get("lastExit").asText()).isEqualTo("signal SIGKILL");
    }

    @Test
    void crashLoop_isErrored_withItsLastLines() {
        home.brigade("start", "--name", "boom", "--max-restarts", "2", "--", "sh", "-c", "echo going down; exit 3");
        await().atMost(Duration.ofSeconds(10)).until(() -> home.instances("boom").get(0).get("status").asText().equals("errored"));
        JsonNode i = home.instances("boom").get(0);
        assertThat(i.get("restarts").asInt()).isEqualTo(2);
        assertThat(i.get("lastExit").asText()).isEqualTo("exit code 3");
        MainTest.Outcome d = home.brigade("describe", "boom");
        assertThat(d.out()).contains("errored", "last lines:", "| going down", "max restarts 2");
    }

    @Test
    void unknownApp_failsWithExitCode1_andNamesTheApps() {
        home.brigade("start", "--name", "real", "--", "sleep", "1000");
        MainTest.Outcome o = home.brigade("stop", "ghost");
        assertThat(o.code()).isEqualTo(Main.FAILED);
        assertThat(o.err()).contains("no app named or numbered \"ghost\" (apps: 1 real)");
        home.brigade("start", "--name", "other", "--", "sleep", "1000");
        MainTest.Outcome zero = home.brigade("stop", "0"); // ids start at 1: the message shows them with the names
        assertThat(zero.code()).isEqualTo(Main.FAILED);
        assertThat(zero.err()).contains("no app named or numbered \"0\" (apps: 1 real, 2 other); Brigade numbers apps from 1, where PM2 starts at 0");
        assertThat(home.brigade("describe", "ghost").code()).isEqualTo(Main.FAILED);
        assertThat(home.brigade("logs", "ghost").code()).isEqualTo(Main.FAILED);
    }

    @Test
    void missingJar_andUnknownCommand_failBeforeReachingTheDaemon() {
        MainTest.Outcome jar = home.brigade("start", "nowhere/app.jar");
        assertThat(jar.code()).isEqualTo(Main.FAILED);
        assertThat(jar.err()).contains("TARGET: jar not found:", "nowhere/app.jar");
        MainTest.Outcome cmd = home.brigade("start", "no-such-command-xyz");
        assertThat(cmd.err()).contains("command not found: \"no-such-command-xyz\"");
        MainTest.Outcome bad = home.brigade("start", "-i", "lots", "--", "sleep", "1");
        assertThat(bad.code()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).contains("--instances: expected an integer in 1..1024, \"max\", 0 (max) or -1 (one less than the cores), got \"lots\"");
        assertThat(Files.exists(home.dir.resolve("daemon.sock"))).isFalse();
    }

    @Test
    void nameTaken_isRefused() {
        home.brigade("start", "--name", "one", "--", "sleep", "1000");
        MainTest.Outcome o = home.brigade("start", "--name", "one", "--", "sleep", "1000");
        assertThat(o.code()).isEqualTo(Main.FAILED);
        assertThat(o.err()).contains("an app named \"one\" exists already");
    }

    @Test
    void mainClass_runsWithInstanceAndPort_inItsEnvironment() {
        String cp = Path.of(TestApp.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        MainTest.Outcome o = home.brigade("start", "--no-wait", "--cp", cp, "--port", "8123", "-i", "2", "--jvm-args", "-Xmx32m",
                TestApp.class.getName(), "--", "a", "b");
        assertThat(o.code()).as(o.toString()).isZero();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(home.brigade("logs", "TestApp", "--raw").out())
                .contains("test app instance 0 port 8123 args a,b", "test app instance 1 port 8123 args a,b"));
    }

    @Test
    void save_kill_resurrect_bringsTheAppsBack() {
        home.brigade("start", "--name", "keep", "-i", "2", "--", "sleep", "1000");
        assertThat(home.brigade("save").out()).contains("saved 1 app(s)");
        assertThat(home.brigade("kill").out()).contains("stopped 1 app(s) and the daemon");
        assertThat(home.brigade("kill").out()).contains("no daemon runs");
        MainTest.Outcome r = home.brigade("resurrect");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(home.instances("keep")).hasSize(2).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("online"));
    }

    @Test
    void scale_growsAndShrinks() {
        home.brigade("start", "--name", "elastic", "--", "sleep", "1000");
        assertThat(home.brigade("scale", "elastic", "3").code()).isZero();
        assertThat(home.instances("elastic")).hasSize(3);
        long third = pid(home.instances("elastic").get(2));
        assertThat(home.brigade("scale", "elastic", "1").code()).isZero();
        assertThat(home.instances("elastic")).hasSize(1);
        assertThat(alive(third)).isFalse();
    }
}

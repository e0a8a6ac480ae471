package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PM2's first-hour commands and aliases, against a real daemon and real processes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Pm2CommandsTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @Test
    void statusList_showInfo_jlist_ping_env_signal() {
        MainTest.Outcome o = home.brigade("start", "--name", "trapper", "--env", "GREETING=hi", "--", "sh", "-c",
                "trap 'echo got USR1' USR1; while true; do sleep 0.1; done");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(home.brigade("status").out()).contains("trapper", "online");
        assertThat(home.brigade("list").out()).contains("trapper", "online");
        assertThat(home.brigade("show", "trapper").out()).contains("trapper (id 1, fork mode, command)");
        assertThat(home.brigade("info", "trapper").out()).contains("trapper (id 1, fork mode, command)");
        assertThat(home.brigade("jlist").out()).contains("\"name\" : \"trapper\"");
        MainTest.Outcome ping = home.brigade("ping");
        assertThat(ping.code()).isZero();
        assertThat(ping.out()).startsWith("daemon ");

        MainTest.Outcome env = home.brigade("env", "trapper");
        assertThat(env.code()).as(env.toString()).isZero();
        assertThat(env.out()).contains("GREETING=hi", "BRIGADE_APP=trapper", "BRIGADE_INSTANCE=0");

        MainTest.Outcome sig = home.brigade("signal", "SIGUSR1", "trapper");
        assertThat(sig.code()).as(sig.toString()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(home.brigade("logs", "trapper").out()).contains("got USR1"));
        assertThat(home.brigade("signal", "SIGFOO", "trapper").code()).isEqualTo(Main.USAGE);
    }

    @Test
    void env_ofAClusterWorker_hidesItsIpcCredential() throws Exception {
        MainTest.Outcome o = home.brigade("start", "--name", "web", "--port", "0", "--host", "127.0.0.1",
                "--cp", ClusterModeTest.DEMO_CP, ClusterModeTest.DEMO_MAIN);
        assertThat(o.code()).as(o.toString()).isZero();
        long pid = home.instances("web").get(0).get("pid").asLong();
        String token = java.util.Arrays.stream(new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/environ")),
                        java.nio.charset.StandardCharsets.UTF_8).split("\0")).filter(v -> v.startsWith("BRIGADE_IPC_TOKEN="))
                .findFirst().orElseThrow().substring("BRIGADE_IPC_TOKEN=".length());
        assertThat(token).isNotBlank();
        MainTest.Outcome env = home.brigade("env", "web");
        assertThat(env.code()).as(env.toString()).isZero();
        assertThat(env.out()).contains("BRIGADE_APP=web", "BRIGADE_IPC_TOKEN=(hidden").doesNotContain(token);
    }

    @Test
    void pm2HabitsBrigadeLacks_failLoudly_namingWhatToDoInstead() {
        MainTest.Outcome watch = home.brigade("start", "app.jar", "--watch");
        assertThat(watch.code()).isEqualTo(Main.USAGE);
        assertThat(watch.err()).contains("Unknown option: '--watch'", "PM2's option: --watch is not supported yet", "brigade reload APP");
        MainTest.Outcome out = home.brigade("start", "app.jar", "-o", "out.log");
        assertThat(out.err()).contains("logs go to $BRIGADE_HOME/logs/APP-N.log");
        MainTest.Outcome reset = MainTest.brigade("reset", "api");
        assertThat(reset.code()).isEqualTo(Main.USAGE);
        assertThat(reset.err()).contains("PM2's reset: restart counters start again at 0");
        MainTest.Outcome unstartup = MainTest.brigade("unstartup");
        assertThat(unstartup.err()).contains("PM2's unstartup: remove the systemd unit");
        for (String word : List.of("unstartup", "pid", "id")) { // one line, not picocli's words nor the list of every command
            MainTest.Outcome o = MainTest.brigade(word, "api");
            assertThat(o.code()).as(word).isEqualTo(Main.USAGE);
            assertThat(o.err().lines()).as(word).singleElement().satisfies(l -> assertThat(l).startsWith("brigade: PM2's " + word + ": "));
        }
        assertThat(MainTest.brigade("pid", "api").err()).contains("'brigade ls'", "instances[].pid");
        MainTest.Outcome force = MainTest.brigade("save", "--force");
        assertThat(force.code()).isEqualTo(Main.USAGE);
        assertThat(force.err()).contains("PM2's option: not needed: 'brigade save' replaces the dump");
        MainTest.Outcome backoff = MainTest.brigade("start", "--name", "w", "--exp-backoff-restart-delay=100", "--", "sleep", "100");
        assertThat(backoff.err()).contains("PM2's option: --restart-delay DURATION is Brigade's").doesNotContain("-- --exp-backoff");
        assertThat(MainTest.brigade("start", "-x", "app.py").err()).contains("brigade start \"python3 app.py\"");
        assertThat(MainTest.brigade("start", "brigade.yaml", "--only", "api").err()).contains("PM2's option: --only is not supported yet");
    }
}

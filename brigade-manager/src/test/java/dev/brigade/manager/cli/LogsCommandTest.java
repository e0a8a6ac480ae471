package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** logs (tail, follow), flush, an unwritable log directory, brigade.yaml. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogsCommandTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @Test
    void logs_showStdoutAndStderr_prefixed_andFlushEmptiesThem() {
        home.brigade("start", "--name", "talk", "--", "sh", "-c", "echo one; echo two >&2; exec sleep 1000");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(home.brigade("logs", "talk").out()).contains("talk-0 | one", "talk-0 | two"));
        assertThat(home.brigade("logs", "talk", "--lines", "1").out().lines()).hasSize(1);
        assertThat(home.brigade("flush", "talk").code()).isZero();
        assertThat(home.brigade("logs", "talk").out()).isEmpty();
    }

    @Test
    void logsFollow_streamsNewLines_untilTheDaemonGoes() throws Exception {
        home.brigade("start", "--name", "ticker", "--", "sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done");
        var bytes = new ByteArrayOutputStream();
        var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> Main.run(
                new String[] {"logs", "--home", home.dir.toString(), "-f", "--lines", "0", "ticker"}, out, out));
        await().atMost(Duration.ofSeconds(10)).until(() -> bytes.toString(StandardCharsets.UTF_8).contains("ticker-0 | tick"));
        home.brigade("kill");
        assertThat(follow.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void unwritableLogDir_isReported_andTheAppRunsAnyway() throws Exception {
        Files.writeString(home.dir.resolve("logs"), "a file where the log directory should be");
        home.brigade("start", "--name", "mute", "--", "sh", "-c", "echo hello; exec sleep 1000");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(home.brigade("ls").out()).contains("warning: mute: cannot write"));
        assertThat(home.instances("mute").get(0).get("status").asText()).isEqualTo("online");
        assertThat(home.brigade("describe", "mute").out()).contains("ERROR: cannot write");
        assertThat(home.brigade("logs", "mute").out()).contains("mute-0 | hello"); // from memory
    }

    @Test
    void brigadeYaml_startsEveryApp_withTheEnvironmentsBlock() throws Exception {
        Files.writeString(home.dir.resolve("brigade.yaml"), """
                apps:
                  - name: alpha
                    script: sh
                    args: [-c, 'echo level=$LEVEL; exec sleep 1000']
                    env: {LEVEL: debug}
                    env_production: {LEVEL: warn}
                  - name: beta
                    script: sleep
                    args: ["1000"]
                    instances: 2
                """);
        MainTest.Outcome o = home.brigade("start", "--environment", "production", home.dir.resolve("brigade.yaml").toString());
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(home.instances("beta")).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(home.brigade("logs", "alpha").out()).contains("level=warn"));
    }

    @Test
    void invalidBrigadeYaml_namesThePathAndTheProblem() throws Exception {
        Files.writeString(home.dir.resolve("bad.yaml"), """
                apps:
                  - script: sleep
                  - script: sleep
                    instances: lots
                """);
        MainTest.Outcome o = home.brigade("start", home.dir.resolve("bad.yaml").toString());
        assertThat(o.code()).isEqualTo(Main.USAGE);
        assertThat(o.err()).contains("apps[1].instances: expected an integer in 1..1024, \"max\", 0 (max) or -1 (one less than the cores), got \"lots\"");
    }
}

package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.manager.config.Host;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** brigade monit against a real daemon: frames (plain lines, stdout is not a terminal), --count, --interval. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MonitCommandTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @Test
    void monit_count2_printsTwoFrames_listingTheApp() {
        assertThat(home.brigade("start", "--name", "watched", "-i", "2", "--", "sleep", "1000").code()).isZero();
        MainTest.Outcome o = home.brigade("monit", "--count", "2", "--interval", "200ms");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(o.out()).doesNotContain("\033["); // not a terminal: plain lines
        String[] frames = o.out().split("(?m)^brigade monit ");
        assertThat(frames).hasSize(3); // "" before the first frame, then two frames
        for (int f = 1; f < frames.length; f++) {
            assertThat(frames[f]).contains("1 app(s), 2/2 process(es) running", "every 200ms")
                    .contains("id", "name", "mode", "pid", "status", "uptime", "restarts", "cpu", "memory");
            assertThat(frames[f].lines().filter(l -> l.matches("1\\s+watched\\s+[01]\\s+fork\\s+\\d+\\s+online\\s.*"))).hasSize(2);
        }
    }

    @Test
    void q_quitsMonit_atOnce_likePm2() throws Exception {
        var keys = new PipedOutputStream();
        var in = new PipedInputStream(keys);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var code = new CompletableFuture<Integer>();
        Thread t = new Thread(() -> code.complete(Main.run(new String[] {"monit", "--home", home.dir.toString(), "--interval", "1h"},
                in, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Host.current())));
        t.start();
        // the first frame is drawn, then monit would wait an hour for the next one: 'x' is ignored, 'q' quits
        await().atMost(20, TimeUnit.SECONDS).until(() -> code.isDone() || out.toString(StandardCharsets.UTF_8).contains("brigade monit"));
        assertThat(code).as("monit ended before any key: %s %s", out, err).isNotDone();
        keys.write('x');
        keys.flush();
        keys.write('q');
        keys.flush();
        assertThat(code.get(10, TimeUnit.SECONDS)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).split("(?m)^brigade monit ")).hasSize(2); // one frame
    }

    @Test
    void onATerminal_monitRedrawsInPlace_andQuitsOnASingleQ_restoringTheTerminal() throws Exception {
        // script(1) (util-linux, in every Debian) gives monit a real pseudo-terminal: q arrives without Enter only if
        // monit took the terminal out of canonical mode, and 'stty -a' after it shows canonical mode and echo back
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cmd = java + " -cp " + System.getProperty("java.class.path") + " " + Main.class.getName()
                + " monit --home " + home.dir + " --interval 1h; stty -a";
        Process p = new ProcessBuilder("script", "-qfec", cmd, "/dev/null").redirectErrorStream(true).start();
        try {
            var seen = new StringBuffer();
            Thread reader = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(new java.io.OutputStream() {
                        @Override
                        public void write(int b) {
                            seen.append((char) b);
                        }
                    });
                } catch (java.io.IOException e) {
                    // the process ended
                }
            });
            reader.start();
            await().atMost(20, TimeUnit.SECONDS).until(() -> seen.indexOf("q or Ctrl-C to quit") >= 0);
            assertThat(seen.toString()).contains("\033[H", "every 1h");
            p.getOutputStream().write('q'); // no newline
            p.getOutputStream().flush();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as(seen.toString()).isTrue();
            reader.join(5000);
            assertThat(seen.toString()).contains(" icanon ", " echo ").doesNotContain("-icanon");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void monit_withoutApps_saysSo() {
        MainTest.Outcome o = home.brigade("monit", "--count", "1");
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(o.out()).contains("0 app(s)", "no apps");
    }

    @Test
    void invalidIntervalOrCount_isAUsageError_namingTheOptionAndValue() {
        MainTest.Outcome bad = home.brigade("monit", "--interval", "soon");
        assertThat(bad.code()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).contains("--interval", "\"soon\"");
        assertThat(home.brigade("monit", "--interval", "5ms").err()).contains("--interval", "\"5ms\"");
        MainTest.Outcome bare = home.brigade("monit", "--interval", "5");
        assertThat(bare.code()).isEqualTo(Main.USAGE);
        assertThat(bare.err()).contains("--interval", "a bare number has no unit", "\"5\"");
        MainTest.Outcome count = home.brigade("monit", "--count", "0");
        assertThat(count.code()).isEqualTo(Main.USAGE);
        assertThat(count.err()).contains("--count", "\"0\"");
    }

    @Test
    void intervals_parse() {
        assertThat(MonitCommand.parseInterval("1s")).isEqualTo(1000);
        assertThat(MonitCommand.parseInterval("500ms")).isEqualTo(500);
        assertThat(MonitCommand.parseInterval("2")).isEqualTo(-1); // a bare number is refused, as --kill-timeout 5 is
        assertThat(MonitCommand.parseInterval("1m")).isEqualTo(60_000);
        assertThat(MonitCommand.parseInterval("1h")).isEqualTo(3_600_000); // the top of the range the error names
        assertThat(MonitCommand.parseInterval("2h")).isEqualTo(-1);
        assertThat(MonitCommand.parseInterval("-1s")).isEqualTo(-1);
        assertThat(MonitCommand.parseInterval("99ms")).isEqualTo(-1);
    }
}

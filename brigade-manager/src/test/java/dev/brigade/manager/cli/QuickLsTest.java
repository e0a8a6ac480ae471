package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code brigade ls} answered by the launcher in bash over the daemon's named pipes (ListFifo):
 * the real {@code ./brigade} script against a real daemon. BRIGADE_QUICK_LS=only makes the script
 * exit 3 instead of falling back to the JVM, so a broken quick path fails these tests.
 */
class QuickLsTest {
    static final Path LAUNCHER = Path.of("..", "brigade").toAbsolutePath().normalize();

    record Run(int code, String out, String err) {
    }

    static Run launcher(TestHome home, String... args) throws IOException, InterruptedException {
        return launcher(home, Path.of("").toAbsolutePath(), java.util.Map.of(), args);
    }

    /**
     * Runs {@code ./brigade ARGS} in {@code cwd} with BRIGADE_HOME set, {@code env} added, and both quick
     * paths in "only" mode (exit 3 rather than a JVM of its own); never builds.
     */
    static Run launcher(TestHome home, Path cwd, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("BRIGADE_HOME", home.dir.toString());
        pb.environment().put("BRIGADE_QUICK_LS", "only");
        pb.environment().put("BRIGADE_QUICK_CLI", "only");
        pb.environment().put("BRIGADE_NO_BUILD", "1");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("quick-ls-", ".out");
        Path err = Files.createTempFile("quick-ls-", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish: " + cmd);
        }
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** The fields of {@code ls --json} that do not change between two calls a moment apart. */
    static JsonNode stable(String json) throws IOException {
        JsonNode apps = JsonMapper.builder().build().readTree(json);
        for (JsonNode app : apps) {
            for (JsonNode i : app.get("instances")) {
                ((ObjectNode) i).remove(List.of("uptimeMs", "cpuPercent", "memoryBytes"));
            }
        }
        return apps;
    }

    /** The columns of the table that do not change between two calls (not uptime, cpu, memory). */
    static List<String> stableColumns(String table) {
        return table.lines().map(l -> String.join(" ", Arrays.asList(l.trim().split(" +")).subList(0, 6))).toList();
    }

    @Test
    void ls_isAnsweredWithoutAJvm_andPrintsWhatTheJavaPathPrints() throws Exception {
        try (TestHome home = new TestHome()) {
            assertThat(home.brigade("start", "-i", "2", "--name", "naps", "--", "sleep", "1000").code()).isZero();

            Run table = launcher(home, "ls");
            assertThat(table.code()).as(table.err()).isZero();
            MainTest.Outcome java = home.brigade("ls");
            assertThat(stableColumns(table.out())).isEqualTo(stableColumns(java.out())).hasSize(3);
            assertThat(table.out()).startsWith("id  name  #  mode");

            Run json = launcher(home, "list", "--json", "--home", home.dir.toString());
            assertThat(json.code()).as(json.err()).isZero();
            assertThat(stable(json.out())).isEqualTo(stable(home.brigade("ls", "--json").out()));
            assertThat(home.dir).isDirectoryNotContaining("glob:**/ls-*.fifo"); // reply pipes are removed
        }
    }

    @Test
    void garbageOnThePipe_isDropped_andTheDaemonAnswersTheNextRequest() throws Exception {
        try (TestHome home = new TestHome()) {
            assertThat(home.brigade("start", "--name", "nap", "--", "sleep", "1000").code()).isZero();
            Path decoy = home.dir.resolve("ls-424242.fifo"); // a regular file where a reply pipe should be
            Files.writeString(decoy, "keep");
            byte[] binary = new byte[5000];
            new java.util.Random(7).nextBytes(binary);
            try (FileChannel pipe = FileChannel.open(home.dir.resolve("ls.fifo"), StandardOpenOption.WRITE)) {
                pipe.write(ByteBuffer.wrap(binary));
                String lines = "\n" + "x".repeat(10_000) + "\nls table ../../../tmp/x\nls table 0\nls xml 123\n"
                        + "ls table 99999999999\nls json\nls table 424242\nstart evil 1\n";
                pipe.write(ByteBuffer.wrap(lines.getBytes(StandardCharsets.US_ASCII)));
            }
            Run after = launcher(home, "ls");
            assertThat(after.code()).as(after.err()).isZero();
            assertThat(after.out()).contains("nap");
            assertThat(Files.readString(decoy)).isEqualTo("keep");
            assertThat(home.brigade("ls").code()).isZero(); // the control socket is unaffected
        }
    }

    @Test
    void aDeadDaemonsPipe_isNotWaitedOn_andTheNextDaemonServesItAgain() throws Exception {
        try (TestHome home = new TestHome()) {
            assertThat(home.brigade("ls").code()).isZero(); // starts the daemon
            long pid = Long.parseLong(Files.readString(home.dir.resolve("ls.pid")).trim().split(" ")[0]); // "PID STARTTIME"
            ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
            daemon.destroyForcibly();
            daemon.onExit().get(10, TimeUnit.SECONDS);

            Run dead = launcher(home, "ls");
            assertThat(dead.code()).as("exit 3: no answer, take the JVM path").isEqualTo(3);
            assertThat(dead.out()).isEmpty();

            assertThat(home.brigade("ls").code()).isZero(); // the JVM path starts a new daemon
            Run again = launcher(home, "ls");
            assertThat(again.code()).as(again.err()).isZero();
        }
    }

    @Test
    void optionsItDoesNotKnow_goToTheJavaPath() throws Exception {
        try (TestHome home = new TestHome()) {
            assertThat(home.brigade("ls").code()).isZero();
            assertThat(launcher(home, "ls", "--help").code()).isEqualTo(3);
            assertThat(launcher(home, "ls", "--jsn").code()).isEqualTo(3);
            assertThat(launcher(home, "ls", "--home").code()).isEqualTo(3);
        }
    }
}

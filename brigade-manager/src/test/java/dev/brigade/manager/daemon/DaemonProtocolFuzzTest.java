package dev.brigade.manager.daemon;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

/**
 * Jazzer against a real daemon running in this JVM ({@link FuzzedDaemon}): arbitrary bytes, frames
 * of junk JSON, wrong types, huge numbers, unknown commands, lying lengths, truncated and oversized
 * frames on the control socket, and junk lines into the launcher's pipe ({@link FuzzInput} says how an
 * input is read). After every input the daemon must have given as many answers as {@link ControlOracle}
 * predicts, ending with the refusal it predicts, all in the protocol's vocabulary (no FAILED from an
 * exception), and must still serve a real
 * client's {@code ping} and {@code list}, with every thread alive, no app and no process started, and
 * its frame budget whole.
 *
 * <p>In {@code mvn verify} the profile {@code daemon-fuzz} fuzzes it for 15 s (JAZZER_FUZZ=1, this test
 * alone in its JVM), starting from the seeds in {@code DaemonProtocolFuzzTestInputs/controlSocketAndPipes}
 * (which also hold every input that ever found a bug); the long run is
 * {@code brigade-bench/fuzz/daemon-protocol.sh [seconds]}. Without JAZZER_FUZZ (an IDE, {@code -Dtest=...})
 * it replays the seeds only. A run's figures go to the file {@code brigade.fuzz.report} names.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // per input when fuzzing (libFuzzer's -timeout): a hang is a finding
class DaemonProtocolFuzzTest {
    /** Every how many inputs the daemon is also asked by a real client and its children are listed (the rest: every input). */
    private static final int FULL_CHECK_EVERY = 8;
    private static FuzzedDaemon daemon;
    private static long firstInput;
    private static final AtomicLong inputs = new AtomicLong();
    private static final AtomicLong withheld = new AtomicLong();
    private static final Map<String, AtomicLong> byMode = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();

    private static synchronized FuzzedDaemon daemon() throws Exception {
        if (daemon == null) {
            daemon = FuzzedDaemon.start(); // on the first input: Jazzer's instrumentation is in place by then
            firstInput = System.nanoTime();
        }
        return daemon;
    }

    @FuzzTest(maxDuration = "15s")
    @DictionaryEntries({"{\"v\":1,\"request\":{\"type\":\"", "\"}}", "\"target\":\"", "\"all\"", "\"lines\":", "\"follow\":true",
        "\"instances\":", "\"specs\":[{\"name\":\"", "\"command\":[\"", "\"env\":{", "\"port\":", "\"mode\":\"cluster\"",
        "\"java\":{", "ping", "start", "stop", "restart", "reload", "delete", "scale", "list", "describe", "logs", "flush",
        "save", "resurrect", "kill", "null", "1e999", "-9223372036854775809", "18446744073709551616",
        "ls table ", "ls json ", "cli "})
    void controlSocketAndPipes(byte[] data) throws Exception {
        FuzzedDaemon d = daemon();
        FuzzInput.Mode mode = FuzzInput.mode(data);
        if (mode == FuzzInput.Mode.FIFO) {
            d.fifo(FuzzInput.fifoBytes(data));
        } else {
            ControlOracle oracle = ControlOracle.of(FuzzInput.controlStream(data));
            FuzzedDaemon.Exchange got = d.exchange(oracle.stream());
            FuzzedDaemon.check(oracle, got);
            withheld.addAndGet(oracle.withheld());
            for (Response r : got.answers()) {
                String key = r instanceof Response.Failure f ? f.code() : r.getClass().getSimpleName();
                answers.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }
        }
        d.checkServing(inputs.get() % FULL_CHECK_EVERY == 0);
        byMode.computeIfAbsent(mode.name(), k -> new AtomicLong()).incrementAndGet();
        inputs.incrementAndGet();
    }

    @AfterAll
    static void stillServing_thenReport() throws Throwable {
        if (daemon == null) {
            return; // no input ran: the fuzz test failed before, and says why
        }
        double seconds = (System.nanoTime() - firstInput) / 1e9;
        Throwable broken = null;
        try {
            daemon.checkServing(true);
        } catch (Throwable t) {
            broken = t;
        } finally {
            daemon.close();
            daemon = null;
        }
        report(seconds, broken == null ? "yes (ping, list, threads, no app, no process, budget)" : "NO: " + broken);
        if (broken != null) {
            throw broken;
        }
        boolean fuzzing = "1".equals(System.getProperty("JAZZER_FUZZ", System.getenv("JAZZER_FUZZ")));
        if (fuzzing && inputs.get() < 50) {
            throw new AssertionError("the fuzzer ran only " + inputs.get() + " inputs in " + seconds + " s");
        }
    }

    private static void report(double seconds, String serving) throws IOException {
        Path fuzzDir = Path.of(System.getProperty("jazzer.internal.basedir", "target/fuzz"));
        Path corpus = fuzzDir.resolve(".cifuzz-corpus").resolve(DaemonProtocolFuzzTest.class.getName()).resolve("controlSocketAndPipes");
        String text = "daemon protocol fuzz: " + inputs.get() + " executions in " + String.format("%.1f", seconds) + " s ("
                + String.format("%.0f", inputs.get() / Math.max(seconds, 0.001)) + " execs/s)\n"
                + "corpus: " + count(corpus, "") + " inputs generated (" + corpus + ")\n"
                + "findings: " + count(fuzzDir, "crash-") + " crash, " + count(fuzzDir, "timeout-") + " timeout (" + fuzzDir + ")\n"
                + "inputs by mode: " + new TreeMap<>(byMode) + "\n"
                + "answers: " + new TreeMap<>(answers) + "; authorised orders withheld: " + withheld.get() + "\n"
                + "daemon still serving after the last input: " + serving + "\n";
        System.out.print(text);
        String file = System.getProperty("brigade.fuzz.report");
        if (file != null) {
            Files.createDirectories(Path.of(file).toAbsolutePath().getParent());
            Files.writeString(Path.of(file), text);
        }
    }

    private static long count(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().startsWith(prefix)).count();
        }
    }
}

package dev.brigade.cluster.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JVMs Brigade itself runs for a JDK 25+ AOT cache, never the app's: {@code jcmd PID AOT.end_recording}, which
 * makes a recording worker write its AOT configuration while it serves (so neither its reload nor its stop waits
 * for that), and {@code java -XX:AOTMode=create}, which assembles the cache from the configuration. Their output
 * goes to a log of their own next to the archive, shown in the primary's warning when they fail; never to the app's.
 */
final class AotAssembler {
    private static final long TIMEOUT_SECONDS = 300;

    private AotAssembler() {
    }

    /** Asks the JVM {@code pid} to write its AOT configuration now; false (with {@code why[0]}) if it did not. */
    static boolean endRecording(Path java, long pid, Path log, String[] why) {
        Path jcmd = java.toAbsolutePath().getParent().resolve("jcmd");
        if (!Files.isExecutable(jcmd)) {
            why[0] = "no " + jcmd + " (a JRE?): the configuration is written when the worker exits";
            return false;
        }
        return run(List.of(jcmd.toString(), Long.toString(pid), "AOT.end_recording"), log, why, "Recording ended successfully");
    }

    /**
     * Assembles {@code cache} from {@code config} with the flags and class path the recording worker had (the JVM
     * refuses a cache whose class path or flags differ).
     */
    static boolean create(Path java, List<String> flags, String classPath, Path config, Path cache, Path log, String[] why) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + config, "-XX:AOTCache=" + cache));
        if (!classPath.isEmpty()) {
            cmd.addAll(List.of("-cp", classPath));
        }
        return run(cmd, log, why, null) && Files.isRegularFile(cache);
    }

    /**
     * Runs {@code cmd} (at most {@value #TIMEOUT_SECONDS} s), its output in {@code log} (then deleted): false, with
     * {@code why[0]}, unless it exits with 0 (having printed {@code expect}, if not null).
     */
    static boolean run(List<String> cmd, Path log, String[] why, String expect) {
        try {
            ArchiveFiles.createPrivate(log);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                why[0] = String.join(" ", cmd) + " did not finish within " + TIMEOUT_SECONDS + " s";
                return false;
            }
            String out = Files.readString(log);
            if (p.exitValue() != 0 || (expect != null && !out.contains(expect))) {
                why[0] = String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + tail(out);
                return false;
            }
            return true;
        } catch (IOException e) {
            why[0] = "cannot run " + cmd.get(0) + ": " + e.getMessage();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why[0] = "interrupted";
            return false;
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // swept with the other temporary files
            }
        }
    }

    private static String tail(String out) {
        String t = out.strip();
        return t.length() > 600 ? "..." + t.substring(t.length() - 600) : t;
    }
}

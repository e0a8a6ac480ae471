package dev.brigade.agent.support;

import dev.brigade.agent.ListenContract;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A worker JVM started the way the primary starts them: natively, through brigade-cluster's
 * {@code Spawner} (ProcessBuilder would close the inherited socket), with the listening socket as
 * fd 3 and a notify pipe as fd 4. Spawner is reached by reflection: this module's tests compile
 * with release 17 (the apps run in JDK 17 workers) and brigade-cluster is release 21.
 */
public final class Worker implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(30);

    public final int pid;
    public final Lines out;
    public final Lines err;
    public final Lines notices; // null when started without a notify pipe
    private boolean reaped;

    private Worker(int pid, Lines out, Lines err, Lines notices) {
        this.pid = pid;
        this.out = out;
        this.err = err;
        this.notices = notices;
    }

    /** Options of one worker. {@code listenFds} null: no BRIGADE_LISTEN_FDS; agent false: no -javaagent. */
    public record Spec(Path java, String app, List<String> appArgs, String listenFds, List<Integer> inherit, boolean agent) {
    }

    public static Worker start(Spec spec) throws Exception {
        List<String> argv = new ArrayList<>(List.of(spec.java().toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m"));
        if (spec.agent()) {
            argv.add("-javaagent:" + agentJar());
        }
        argv.addAll(List.of("-cp", appClassPath(), "dev.brigade.agent.apps." + spec.app()));
        argv.addAll(spec.appArgs());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        if (spec.listenFds() != null) {
            env.put(ListenContract.ENV_LISTEN_FDS, spec.listenFds());
        }
        int[] notify = new int[2];
        if (Posix.C.pipe2(notify, Posix.O_CLOEXEC) != 0) {
            throw new IllegalStateException("pipe2 failed");
        }
        List<Integer> inherit = new ArrayList<>(spec.inherit());
        inherit.add(notify[1]);
        env.put(ListenContract.ENV_NOTIFY_FD, Integer.toString(2 + inherit.size()));
        Object spawned;
        try {
            Method spawn = Class.forName("dev.brigade.cluster.internal.Spawner")
                    .getMethod("spawn", String.class, List.class, Map.class, List.class);
            spawned = spawn.invoke(null, argv.get(0), argv, env, inherit);
        } catch (InvocationTargetException e) {
            Posix.C.close(notify[0]);
            throw (Exception) e.getCause();
        } finally {
            Posix.C.close(notify[1]);
        }
        int pid = (int) spawned.getClass().getMethod("pid").invoke(spawned);
        int stdout = (int) spawned.getClass().getMethod("stdoutFd").invoke(spawned);
        int stderr = (int) spawned.getClass().getMethod("stderrFd").invoke(spawned);
        String name = spec.app() + "[" + pid + "]";
        return new Worker(pid, new Lines(name + " stdout", stdout), new Lines(name + " stderr", stderr),
                new Lines(name + " notify", notify[0]));
    }

    /** Waits for the app's READY line (it accepts from then on). */
    public Worker awaitReady() throws InterruptedException {
        try {
            out.await(l -> l.startsWith("READY "), START);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; stderr: " + err.snapshot(), e);
        }
        return this;
    }

    public void signal(int signal) {
        Posix.C.kill(pid, signal);
    }

    /**
     * SIGSTOP, then waits until every thread of the process is really stopped: kill() returns
     * before the signal takes effect, and a thread that is still running may accept one more
     * connection in the meantime.
     */
    public void stop() throws IOException, InterruptedException {
        signal(19);
        Path tasks = Path.of("/proc", Integer.toString(pid), "task");
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            boolean all = true;
            try (var threads = Files.list(tasks)) {
                for (Path t : threads.toList()) {
                    String stat = Files.readString(t.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    all &= state == 'T' || state == 't';
                }
            }
            if (all) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("worker " + pid + " did not stop within 10 s of SIGSTOP");
    }

    /** Kills the worker's process group and reaps it; idempotent. */
    @Override
    public void close() throws InterruptedException {
        if (reaped) {
            return;
        }
        Posix.C.kill(-pid, Posix.SIGKILL);
        Posix.C.kill(pid, Posix.SIGCONT);
        Posix.C.waitpid(pid, new int[1], 0);
        reaped = true;
        out.untilEnd(Duration.ofSeconds(5));
        err.untilEnd(Duration.ofSeconds(5));
        notices.untilEnd(Duration.ofSeconds(5));
    }

    public static Path agentJar() {
        Path jar = Path.of(System.getProperty("brigade.agent.jar", "target/missing-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("agent jar " + jar + " not found: these tests run after `package` (mvn verify)");
        }
        return jar;
    }

    /** The test apps, Jetty, Tomcat and Netty: never target/classes or ASM (the agent must come from its shaded jar). */
    static String appClassPath() {
        List<String> cp = new ArrayList<>();
        cp.add(System.getProperty("brigade.test.classes", "target/test-classes"));
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("/org/eclipse/jetty/") || e.contains("/org/slf4j/") || e.contains("/org/apache/tomcat/")
                        || e.contains("/io/netty/"))
                .forEach(cp::add);
        return cp.stream().collect(Collectors.joining(File.pathSeparator));
    }
}

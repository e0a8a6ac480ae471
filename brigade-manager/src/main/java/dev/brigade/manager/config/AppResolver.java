package dev.brigade.manager.config;

import dev.brigade.manager.daemon.AppSpec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Turns {@link AppOptions} into the {@link AppSpec} the daemon runs: paths made absolute
 * against the working directory, a command found on PATH, a jar or main class turned into a
 * {@code java} command line (this JVM's {@code java}). Every problem names where it is, through
 * {@code where} ({@code "instances"} becomes {@code --instances} or {@code apps[1].instances}).
 */
public final class AppResolver {
    private AppResolver() {
    }

    public static AppSpec resolve(AppOptions o, Path cwd, UnaryOperator<String> where) throws ConfigException {
        return resolve(o, cwd, where, Host.current());
    }

    /** The same, with the PATH and java binary of {@code host} (the process the command came from). */
    public static AppSpec resolve(AppOptions o, Path cwd, UnaryOperator<String> where, Host host) throws ConfigException {
        if (o.script() == null || o.script().isBlank()) {
            throw new ConfigException(where.apply("script"), "missing: a jar, a main class (with a class path) or a command");
        }
        String java = o.java() == null ? host.javaBin() : Jdks.resolve(where.apply("java"), o.java(), cwd, host.javaBin());
        List<String> cmd = new ArrayList<>();
        String kind;
        String defaultName;
        AppSpec.JavaEntry javaEntry = null;
        if (o.classpath() != null) {
            kind = "main";
            if (!o.script().matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
                throw new ConfigException(where.apply("script"), "expected a main class name, got \"" + o.script() + "\"");
            }
            List<String> cp = new ArrayList<>();
            for (String entry : o.classpath().split(File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                boolean wildcard = entry.equals("*") || entry.endsWith("/*");
                Path p = cwd.resolve(wildcard ? entry.substring(0, entry.length() - 1) : entry).normalize();
                if (wildcard ? !Files.isDirectory(p) : !Files.exists(p)) {
                    throw ConfigException.missing(where.apply("classpath"), p + (wildcard ? " is not a directory (in \"" + entry + "\")" : " does not exist"));
                }
                // dir/* stays a wildcard, as java -cp takes it: the jars are listed when an instance starts
                cp.add(wildcard ? p.resolve("*").toString() : p.toString());
            }
            cmd.add(java);
            cmd.addAll(o.jvmArgs());
            cmd.addAll(List.of("-cp", String.join(File.pathSeparator, cp), o.script()));
            javaEntry = new AppSpec.JavaEntry(java, null, o.script(), String.join(File.pathSeparator, cp), o.jvmArgs(), o.args());
            defaultName = o.script().substring(o.script().lastIndexOf('.') + 1);
        } else if (o.script().endsWith(".jar")) {
            kind = "jar";
            Path jar = cwd.resolve(o.script()).normalize();
            if (!Files.isRegularFile(jar)) {
                throw ConfigException.missing(where.apply("script"), "jar not found: " + jar);
            }
            cmd.add(java);
            cmd.addAll(o.jvmArgs());
            cmd.addAll(List.of("-jar", jar.toString()));
            javaEntry = new AppSpec.JavaEntry(java, jar.toString(), null, null, o.jvmArgs(), o.args());
            defaultName = jarName(jar.getFileName().toString());
        } else {
            kind = "command";
            if (o.java() != null) {
                throw new ConfigException(where.apply("java"), "only applies to a jar or a main class, not to the command \"" + o.script() + "\"");
            }
            if (!o.jvmArgs().isEmpty()) {
                throw new ConfigException(where.apply("jvmArgs"), "only apply to a jar or a main class, not to the command \"" + o.script() + "\"");
            }
            Path exe = findExecutable(o.script(), cwd, host.path());
            if (exe == null) {
                throw ConfigException.missing(where.apply("script"), "command not found: \"" + o.script() + "\""
                        + (o.script().contains("/") ? " (no executable file at " + cwd.resolve(o.script()).normalize() + ")"
                        : " (not an executable on PATH)"));
            }
            cmd.add(exe.toString());
            defaultName = exe.getFileName().toString();
        }
        cmd.addAll(o.args());
        String name = o.name() != null ? o.name() : defaultName.replaceAll("[^A-Za-z0-9._-]", "_");
        String bindHost = o.host() == null ? null : Values.host(where.apply("host"), o.host());
        AppSpec spec = new AppSpec(name, kind, cmd, cwd.toString(), Values.instances(where.apply("instances"), o.instances()),
                o.env(), Values.port(where.apply("port"), o.port()), Values.bytes(where.apply("maxMemory"), o.maxMemory()),
                Values.millis(where.apply("killTimeout"), o.killTimeout(), AppSpec.DEFAULT_KILL_TIMEOUT_MS),
                Values.millis(where.apply("listenTimeout"), o.listenTimeout(), AppSpec.DEFAULT_LISTEN_TIMEOUT_MS),
                Values.count(where.apply("maxRestarts"), o.maxRestarts(), AppSpec.DEFAULT_MAX_RESTARTS),
                Values.millis(where.apply("restartDelay"), o.restartDelay(), AppSpec.DEFAULT_RESTART_DELAY_MS),
                // A Java app with a declared port runs as a cluster (one shared socket, rolling reloads);
                // anything else, or a Java app without a port, in fork mode.
                javaEntry != null && o.port() != null ? AppSpec.CLUSTER : AppSpec.FORK, javaEntry, bindHost,
                Values.millis(where.apply("minUptime"), o.minUptime(), AppSpec.DEFAULT_MIN_UPTIME_MS),
                Values.bool(where.apply("standby"), o.standby(), true));
        String problem = spec.problem();
        if (problem != null) {
            throw new ConfigException(where.apply("name"), problem);
        }
        return spec;
    }

    /** The name of an app started from {@code file}: its base name without the version ({@code api-1.4.2.jar} is {@code api}). */
    static String jarName(String file) {
        String base = file.replaceFirst("\\.jar$", "");
        String unversioned = base.replaceFirst("-\\d+(\\.\\d+)*([.-][A-Za-z0-9]+)*$", "");
        return unversioned.isEmpty() ? base : unversioned;
    }

    /** {@code script} itself if it holds a '/', else the first match on PATH; null if none is executable. */
    static Path findExecutable(String script, Path cwd, String path) {
        if (script.contains("/")) {
            Path p = cwd.resolve(script).normalize();
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, script);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }

    /**
     * An instance count as every entry point reads it: 1..1024, {@code max} or PM2's 0 (one per core), PM2's -1 (one
     * less than the cores, at least 1); {@code where} names the option or key in the error.
     */
    public static int instances(String where, Object value) throws ConfigException {
        return Values.instances(where, value);
    }
}

package dev.brigade.manager.cli;

import dev.brigade.manager.config.AppOptions;
import dev.brigade.manager.config.AppResolver;
import dev.brigade.manager.config.BrigadeYaml;
import dev.brigade.manager.config.ConfigException;
import dev.brigade.manager.config.Host;
import dev.brigade.manager.config.Words;
import dev.brigade.manager.daemon.AppSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/*
 * PM2's argument conventions (`pm2 start app.js -i 2 --name api -- --app-flag`): Brigade's options
 * are recognised anywhere before `--`, before or after TARGET; everything after the first `--` goes
 * to the app verbatim (the `--` itself is not passed). picocli does the option parsing: after
 * `--` it takes every word as a positional parameter, so `words` holds TARGET, then the app's
 * arguments, and the raw command line (the parse result's original args) tells how many words came
 * after the `--`. An unknown option before `--` is picocli's "Unknown option" error, to which Main
 * adds where the app's arguments go.
 */
/** The options of {@code brigade start} and {@code brigade run} (a picocli mixin), and turning them into apps. */
final class StartOptions {
    @Parameters(arity = "0..*", paramLabel = "TARGET", description = {"a jar, a main class (with --cp), a brigade.yaml, or a command "
            + "(one quoted string like \"python3 -m http.server 8000\" works too)", "after --: the app's arguments"})
    List<String> words = new ArrayList<>();

    @Option(names = {"-i", "--instances"}, paramLabel = "N|max",
            description = "processes to run, 1..1024 (default 1; max or 0: one per core; -1: one less than the cores)")
    String instances;

    @Option(names = {"-n", "--name"}, description = "the app's name (default: the jar's name without its version, the class or the command)")
    String name;

    @Option(names = {"--cp", "--classpath"}, paramLabel = "CLASSPATH", description = "class path (java -cp syntax, 'lib/*' too): TARGET is then a main class")
    String classpath;

    @Option(names = "--port", description = "a jar or main class: cluster mode, every worker serves this port (one shared socket); "
            + "given to the app as PORT, SERVER_PORT and the like")
    String port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "cluster mode: bind the port to this address only (default: every interface)")
    String host;

    @Option(names = "--env", paramLabel = "K=V", description = "an environment variable (repeatable)")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--environment", paramLabel = "NAME", description = "brigade.yaml: also apply each app's env_NAME block (PM2's --env NAME)")
    String environment;

    @Option(names = "--jvm-args", paramLabel = "FLAGS", description = "JVM flags for a jar or main class, split as a shell would ('-Dmsg=\"a b\"' is one)")
    String jvmArgs;

    @Option(names = "--java", paramLabel = "PATH|VERSION", description = "the JDK of a jar's or main class's JVMs (cluster workers too): "
            + "a JDK home or its bin/java, or the version of an installed JDK (17, 21, 25: $JAVA_HOME, /usr/lib/jvm/*, ~/.sdkman); "
            + "default: the JDK brigade runs on")
    String java;

    @Option(names = {"--max-memory", "--max-memory-restart"}, paramLabel = "SIZE",
            description = "restart an instance whose resident memory exceeds this (800K, 512M, 1G)")
    String maxMemory;

    @Option(names = "--kill-timeout", paramLabel = "DURATION", description = "SIGKILL this long after SIGTERM (default 5s)")
    String killTimeout;

    @Option(names = "--listen-timeout", paramLabel = "DURATION", description = "cluster mode: how long a new worker may take to listen (default 30s)")
    String listenTimeout;

    @Option(names = "--min-uptime", paramLabel = "DURATION", description = "fork mode: how long an instance must stay up to count as started (default 1s)")
    String minUptime;

    @Option(names = "--max-restarts", paramLabel = "N", description = "crashes per minute before an instance is errored (default 10)")
    String maxRestarts;

    @Option(names = "--restart-delay", paramLabel = "DURATION", description = "delay before the second restart in a row, doubling (default 100ms)")
    String restartDelay;

    @Option(names = "--standby", negatable = true, description = "cluster mode: keep a standby worker, a JVM started ahead "
            + "that the next restart, reload or crash replacement takes (default; --no-standby: none, one JVM less)")
    Boolean standby;

    @Option(names = "--cwd", paramLabel = "DIR", description = "the app's working directory (default: where the command runs)")
    Path cwd;

    /** TARGET, and the arguments for the app. */
    record Target(String target, List<String> args) {
    }

    /** TARGET and the app's arguments from the words picocli collected; {@code commandLine} is the raw command line. */
    Target target(List<String> commandLine, String command, Path dir) throws ManagerCommand.Failed {
        int dashes = commandLine.indexOf("--");
        int after = dashes < 0 ? 0 : commandLine.size() - dashes - 1;
        List<String> before = words.subList(0, words.size() - after);
        List<String> appArgs = words.subList(words.size() - after, words.size());
        if (before.isEmpty() && appArgs.isEmpty()) {
            throw ManagerCommand.Failed.usage("give a TARGET: a jar, a main class (with --cp), a brigade.yaml or a command "
                    + "(brigade " + command + " --help shows examples)");
        }
        if (before.size() > 1) {
            throw ManagerCommand.Failed.usage("unexpected \"" + before.get(1) + "\" after TARGET \"" + before.get(0) + "\": the app's "
                    + "arguments go after --, as in: brigade " + command + " " + before.get(0) + " -- " + String.join(" ", before.subList(1, before.size()))
                    + " (or quote the whole command: \"" + String.join(" ", before) + "\")");
        }
        Target t = before.isEmpty() ? new Target(appArgs.get(0), appArgs.subList(1, appArgs.size())) : new Target(before.get(0), appArgs);
        if (t.target().isBlank()) {
            throw ManagerCommand.Failed.usage("TARGET is empty");
        }
        if (t.target().matches(".*\\s.*") && !Files.exists(dir.resolve(t.target()))) {
            // a quoted command, as PM2 takes it: "python3 -m http.server 8000"
            try {
                List<String> split = Words.split(t.target(), "TARGET");
                List<String> args = new ArrayList<>(split.subList(1, split.size()));
                args.addAll(t.args());
                return new Target(split.get(0), args);
            } catch (ConfigException e) {
                throw ManagerCommand.Failed.of(e);
            }
        }
        return t;
    }

    /** The apps these options start, resolved against {@code host} (its directory, PATH and java). */
    List<AppSpec> specs(List<String> commandLine, String command, Host host) throws ManagerCommand.Failed {
        Path dir = cwd == null ? host.cwd() : host.cwd().resolve(cwd).normalize();
        Target t = target(commandLine, command, dir);
        refuseJavaScript(t.target(), dir);
        try {
            configFile = BrigadeYaml.isConfigFile(t.target());
            if (configFile) {
                if (!t.args().isEmpty()) {
                    throw ManagerCommand.Failed.usage("a brigade.yaml takes no app arguments (got " + String.join(" ", t.args()) + ")");
                }
                Path file = dir.resolve(t.target()).normalize();
                if (!Files.exists(file)) {
                    throw new ManagerCommand.Failed("TARGET: file not found: " + file); // as a missing jar's
                }
                refuseAppOptions(t.target());
                return BrigadeYaml.load(file, environment, host);
            }
            if (environment != null) {
                throw ManagerCommand.Failed.usage("--environment " + environment + " applies env_" + environment
                        + " blocks of a brigade.yaml; for one app, give its variables with --env K=V");
            }
            if (!Files.isDirectory(dir)) {
                throw ManagerCommand.Failed.usage("--cwd: " + dir + " is not a directory");
            }
            List<String> jvm = jvmArgs == null ? List.of() : Words.split(jvmArgs, "--jvm-args");
            return List.of(AppResolver.resolve(new AppOptions(name, t.target(), t.args(), classpath, instances, port, this.host, env, jvm,
                    maxMemory, killTimeout, listenTimeout, maxRestarts, restartDelay, minUptime, java, standby), dir, StartOptions::option, host));
        } catch (ConfigException e) {
            throw ManagerCommand.Failed.of(e);
        }
    }

    /**
     * A jar or main class with several instances and no port runs in fork mode: separate JVMs, which crash-loop if
     * they all bind one port. Says so on {@code err}, and how cluster mode shares the port (the mode stays).
     */
    static void warnFork(List<AppSpec> specs, java.io.PrintStream err) {
        for (AppSpec s : specs) {
            if (s.java() != null && AppSpec.FORK.equals(s.mode()) && s.instances() > 1) {
                err.println("brigade: warning: " + s.name() + " runs as " + s.instances() + " separate processes in fork mode (no --port):"
                        + " if it listens on a port, they all try to bind it; with --port P they share that one port in cluster mode");
            }
        }
    }

    /**
     * PM2's {@code pm2 start app.js} (node runs it) and {@code pm2 start ecosystem.config.js}: a JavaScript file that is
     * there, which Brigade cannot run or read by itself; a usage error saying what works instead. Other targets pass.
     */
    static void refuseJavaScript(String target, Path dir) throws ManagerCommand.Failed {
        if (!target.matches(".*\\.[cm]?js") || !Files.isRegularFile(dir.resolve(target)) || Files.isExecutable(dir.resolve(target))) {
            return;
        }
        if (target.matches("(.*/)?[^/]*config\\.[cm]?js")) {
            String json = target.replaceFirst("\\.[cm]?js$", ".json");
            throw ManagerCommand.Failed.usage(target + ": a PM2 ecosystem file in JavaScript, which Brigade cannot read; the same apps in "
                    + "JSON or YAML work (PM2's keys too): node -e 'console.log(JSON.stringify(require(\"" + (target.startsWith("/") ? target
                    : "./" + target.replaceFirst("^\\./", "")) + "\"), null, 2))' > " + json + ", then use " + json);
        }
        throw ManagerCommand.Failed.usage(target + ": a JavaScript file, which PM2 runs with node; Brigade runs commands: brigade start "
                + "\"node " + target + "\" (or --name NAME -- node " + target + ")");
    }

    /** An app's option given with a brigade.yaml, whose apps take theirs from the file: a usage error naming them, never ignored. */
    private void refuseAppOptions(String file) throws ManagerCommand.Failed {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("instances", instances);
        given.put("name", name);
        given.put("classpath", classpath);
        given.put("port", port);
        given.put("host", host);
        given.put("env", env.isEmpty() ? null : env);
        given.put("jvmArgs", jvmArgs);
        given.put("java", java);
        given.put("maxMemory", maxMemory);
        given.put("killTimeout", killTimeout);
        given.put("listenTimeout", listenTimeout);
        given.put("minUptime", minUptime);
        given.put("maxRestarts", maxRestarts);
        given.put("restartDelay", restartDelay);
        given.put("standby", standby);
        List<String> options = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        given.forEach((key, value) -> {
            if (value != null) {
                options.add(option(key));
                keys.add(key + ":");
            }
        });
        if (!options.isEmpty()) {
            throw ManagerCommand.Failed.usage(String.join(", ", options) + (options.size() == 1 ? " does" : " do") + " not apply to "
                    + file + ": its apps take their settings from the file (set " + String.join(", ", keys) + " there"
                    + (given.get("instances") != null ? "; or, once an app runs, brigade scale APP N" : "") + ")");
        }
    }

    /** True if TARGET is a brigade.yaml or an ecosystem file (known once {@link #specs} has run). */
    boolean configFile() {
        return configFile;
    }

    private boolean configFile;

    /** The command-line spelling of an option, for error messages. */
    static String option(String key) {
        return switch (key) {
            case "script" -> "TARGET";
            case "classpath" -> "--cp";
            case "standby" -> "--[no-]standby";
            default -> "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase();
        };
    }
}

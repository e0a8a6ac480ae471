package dev.brigade.manager.cli;

import dev.brigade.manager.config.AppOptions;
import dev.brigade.manager.config.AppResolver;
import dev.brigade.manager.config.BrigadeYaml;
import dev.brigade.manager.config.ConfigException;
import dev.brigade.manager.daemon.AppSpec;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code brigade start}: a jar, a main class, a brigade.yaml, or any command, supervised by the daemon. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Starts an app. A jar or main class with --port runs in cluster mode: N worker JVMs share the "
                + "one port (bound once by the daemon), reload is zero-downtime. Anything else runs in fork mode: "
                + "N independent processes, each restarted when it dies.",
            "TARGET is a jar (app.jar), a main class (with --cp), a brigade.yaml, or any command; "
                + "everything after TARGET is passed to the app. Options go before TARGET."},
        footer = {"", "Examples:", "  brigade start build/api.jar -i max --port 8080", "  brigade start com.example.Main --cp 'lib/*:classes'",
            "  brigade start brigade.yaml --environment production", "  brigade start --name web -- python3 -m http.server 8000"})
final class StartCommand extends ManagerCommand {
    @Parameters(index = "0", paramLabel = "TARGET", description = "jar, main class, brigade.yaml or command")
    String target;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "arguments for the app")
    List<String> args = new ArrayList<>();

    @Option(names = {"-i", "--instances"}, paramLabel = "N|max", description = "processes to run (default 1; max = one per core)")
    String instances;

    @Option(names = {"-n", "--name"}, description = "the app's name (default: from the jar, class or command)")
    String name;

    @Option(names = "--cp", paramLabel = "CLASSPATH", description = "class path (java -cp syntax): TARGET is then a main class")
    String classpath;

    @Option(names = "--port", description = "a jar or main class: cluster mode, every worker serves this port (one shared socket); a command: passed as PORT")
    String port;

    @Option(names = "--env", paramLabel = "K=V", description = "an environment variable (repeatable)")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--jvm-args", paramLabel = "FLAGS", description = "JVM flags for a jar or main class, space-separated")
    String jvmArgs;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "restart an instance whose resident memory exceeds this (512M, 1G)")
    String maxMemory;

    @Option(names = "--kill-timeout", paramLabel = "DURATION", description = "SIGKILL this long after SIGTERM (default 5s)")
    String killTimeout;

    @Option(names = "--listen-timeout", paramLabel = "DURATION", description = "cluster mode: how long a new worker may take to listen (default 30s)")
    String listenTimeout;

    @Option(names = "--max-restarts", paramLabel = "N", description = "crashes per minute before an instance is errored (default 10)")
    String maxRestarts;

    @Option(names = "--restart-delay", paramLabel = "DURATION", description = "delay before the second restart in a row, doubling (default 100ms)")
    String restartDelay;

    @Option(names = "--environment", paramLabel = "NAME", description = "brigade.yaml: also apply each app's env_NAME block")
    String environment;

    @Option(names = "--json", description = "print the started apps as JSON")
    boolean json;

    @Override
    int run() throws Failed {
        Path cwd = main.host.cwd();
        List<AppSpec> specs;
        try {
            if (BrigadeYaml.isConfigFile(target)) {
                if (!args.isEmpty()) {
                    throw new Failed("a brigade.yaml takes no arguments; options go before it (got " + String.join(" ", args) + ")");
                }
                specs = BrigadeYaml.load(cwd.resolve(target), environment);
            } else {
                List<String> jvm = jvmArgs == null || jvmArgs.isBlank() ? List.of() : List.of(jvmArgs.trim().split("\\s+"));
                specs = List.of(AppResolver.resolve(new AppOptions(name, target, args, classpath, instances, port, env, jvm,
                        maxMemory, killTimeout, listenTimeout, maxRestarts, restartDelay), cwd, StartCommand::option, main.host));
            }
        } catch (ConfigException e) {
            throw new Failed(e.getMessage());
        }
        Response r = request(new Request.Start(specs));
        ListCommand.print(this, apps(r), json);
        return Main.OK;
    }

    /** The command-line spelling of an option, for error messages. */
    static String option(String key) {
        return switch (key) {
            case "script" -> "TARGET";
            case "classpath" -> "--cp";
            default -> "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase();
        };
    }
}

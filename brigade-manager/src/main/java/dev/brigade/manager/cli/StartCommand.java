package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppSpec;
import dev.brigade.manager.daemon.Request;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brigade start}: a jar, a main class, a brigade.yaml, or any command, supervised by the daemon. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Starts an app. A jar or main class with --port runs in cluster mode: N worker JVMs share the "
                + "one port (bound once by the daemon), reload is zero-downtime. Anything else runs in fork mode: "
                + "N independent processes, each restarted when it dies.",
            "Returns once every instance listens (cluster mode) or has stayed up its min uptime (fork mode), "
                + "and exits 1 naming the cause when one does not (boot error, another port bound, crash loop).",
            "As with PM2, Brigade's options go before or after TARGET, and the app's own arguments after --. "
                + "With nothing before --, the first word after it is the command."},
        footer = {"", "Examples:", "  brigade start build/api.jar -i max --port 8080", "  brigade start com.example.Main --cp 'lib/*' -- --verbose",
            "  brigade start brigade.yaml --environment production", "  brigade start --name web -- python3 -m http.server 8000",
            "  brigade start \"python3 -m http.server 8000\" --name web"})
final class StartCommand extends ManagerCommand {
    @Mixin
    StartOptions options;

    @Spec
    CommandSpec spec;

    @Mixin
    Readiness readiness;

    @Option(names = "--json", description = "print the started apps as JSON")
    boolean json;

    @Override
    int run() throws Failed {
        List<AppSpec> specs = options.specs(spec.commandLine().getParseResult().originalArgs(), "start", main.host);
        List<AppInfo> acted = options.configFile()
                ? DeployFile.apply(this, specs, true) // a deployment file: what runs is reloaded, the rest started
                : apps(request(new Request.Start(specs)));
        Readiness.Outcome o = readiness.await(this, acted);
        ListCommand.print(this, o.apps(), json);
        return Readiness.report(this, o, "start");
    }
}

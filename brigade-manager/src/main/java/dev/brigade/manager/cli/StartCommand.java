package dev.brigade.manager.cli;

import dev.brigade.manager.config.AppResolver;
import dev.brigade.manager.config.ConfigException;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppSpec;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.DaemonClient;
import dev.brigade.manager.daemon.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        List<AppSpec> specs;
        try {
            specs = options.specs(args, "start", main.host);
        } catch (Failed f) {
            AppInfo app = f.code == Main.FAILED ? existingApp(args) : null;
            if (app == null) {
                throw f;
            }
            return app.id() < 0 ? restartAll() : restart(args, app);
        }
        if (!options.configFile()) {
            StartOptions.warnFork(specs, err());
        }
        List<AppInfo> acted = options.configFile()
                ? DeployFile.apply(this, "", specs, true) // a deployment file: what runs is reloaded, the rest started
                : apps(request(new Request.Start(specs)));
        Readiness.Outcome o = readiness.await(this, acted);
        ListCommand.print(this, o.apps(), json);
        return Readiness.report(this, o, "start");
    }

    /**
     * PM2's {@code pm2 start api} where api is no file but an app the daemon knows (by name or id): that app, else null.
     * Only a running daemon is asked (a missing file does not start one); a file of that name wins, even a broken one.
     */
    private AppInfo existingApp(List<String> args) throws Failed {
        StartOptions.Target t = options.target(args, "start", main.host.cwd());
        Path dir = options.cwd == null ? main.host.cwd() : main.host.cwd().resolve(options.cwd).normalize();
        if (!t.args().isEmpty() || Files.exists(dir.resolve(t.target()))) {
            return null;
        }
        try (DaemonClient c = DaemonClient.tryConnect(home())) {
            if (c == null) {
                return null;
            }
            List<AppInfo> known = apps(c.send(new Request.ListApps()));
            if (t.target().equals("all") && !known.isEmpty()) {
                return ALL;
            }
            for (AppInfo a : known) {
                if (a.name().equals(t.target()) || String.valueOf(a.id()).equals(t.target())) {
                    return a;
                }
            }
            return null;
        } catch (IOException e) {
            return null; // the file's error is the one to show
        }
    }

    /** {@code start all} with apps known: no app, it stands for them all. */
    private static final AppInfo ALL = new AppInfo(-1, "all", null, null, List.of(), null, null, List.of(), null, null);

    /** PM2's {@code pm2 start all}: {@code restart all}, said so; an option (even -i) is refused, nothing done. */
    private int restartAll() throws Failed {
        List<String> given = spec.commandLine().getParseResult().matchedOptions().stream().map(o -> o.longestName())
                .filter(n -> !n.equals("--no-wait") && !n.equals("--json") && !n.equals("--home")).distinct().toList();
        if (!given.isEmpty()) {
            throw Failed.usage("start all restarts every app as it is; " + String.join(", ", given) + " cannot apply to them all: "
                    + "nothing was done (brigade scale APP N for one app's instances)");
        }
        err().println("brigade: no file or command named \"all\": restarting every app (as brigade restart all)");
        return awaitRestarted(said(request(new Request.Restart("all"))));
    }

    /** {@code r}, its message printed unless the output is JSON. */
    private Response said(Response r) {
        if (!json && r instanceof Response.Ok ok) {
            out().println(ok.message());
        }
        return r;
    }

    /** Waits until the apps {@code r} acted on are ready, and reports them as {@code restart} does. */
    private int awaitRestarted(Response r) throws Failed {
        Readiness.Outcome o = readiness.await(this, apps(r));
        if (json) {
            ListCommand.print(this, o.apps(), true);
        }
        return Readiness.report(this, o, "restart");
    }

    /** The options {@code start APP} of a known app can honour: instances (a scale), waiting, output, home. */
    private static final java.util.Set<String> FOR_A_KNOWN_APP = java.util.Set.of("--instances", "--no-wait", "--json", "--home");

    /**
     * {@code start APP}: what {@code restart APP} does (a stopped app is started, a running one restarted), said so; with
     * {@code -i N} also scaled to N, as PM2's {@code pm2 start api -i 4} reads. An option that only means something when an
     * app is created (--port, --env...) is refused by name before anything is done, never dropped silently.
     */
    private int restart(List<String> args, AppInfo app) throws Failed {
        List<String> ignored = spec.commandLine().getParseResult().matchedOptions().stream()
                .filter(o -> !FOR_A_KNOWN_APP.contains(o.longestName()))
                .map(o -> o.originalStringValues().isEmpty() ? o.longestName()
                        : o.originalStringValues().stream().map(v -> o.longestName() + " " + v).collect(java.util.stream.Collectors.joining(", ")))
                .distinct().toList();
        String target = String.valueOf(app.id()); // unambiguous
        if (!ignored.isEmpty()) {
            throw Failed.usage("app " + app.id() + " " + app.name() + " exists, and " + String.join(", ", ignored)
                    + (ignored.size() == 1 ? " applies" : " apply") + " only when an app is created; nothing was done. "
                    + "'brigade start " + app.name() + "' restarts it as it is (with -i N: and scales it to N, as 'brigade scale "
                    + app.name() + " N' does); to change the rest: 'brigade delete " + app.name() + "', then start it again with them");
        }
        Integer scaleTo = options.instances == null ? null : instances(options.instances);
        err().println("brigade: no file or command named \"" + options.target(args, "start", main.host.cwd()).target() + "\", but app "
                + app.id() + " " + app.name() + " exists: restarting it (as brigade restart " + target + ")"
                + (scaleTo == null || scaleTo == app.spec().instances() ? ""
                    : " and scaling it from " + app.spec().instances() + " to " + scaleTo + " instances (as brigade scale " + target + " " + scaleTo + ")"));
        Response r = said(request(new Request.Restart(target)));
        if (scaleTo != null && scaleTo != app.spec().instances()) {
            r = said(request(new Request.Scale(target, scaleTo)));
        }
        return awaitRestarted(r);
    }

    /** {@code -i}'s value, read as a new app's is ({@link AppResolver#instances}). */
    private static int instances(String value) throws Failed {
        try {
            return AppResolver.instances("--instances", value);
        } catch (ConfigException e) {
            throw Failed.usage(e.getMessage());
        }
    }
}

package dev.brigade.manager.cli;

import dev.brigade.manager.config.BrigadeYaml;
import dev.brigade.manager.config.ConfigException;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppSpec;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that act on apps chosen by name, id or {@code all}: stop, restart, reload, delete, flush, scale. */
final class AppCommands {
    private AppCommands() {
    }

    /** One app action on each app named: a request per app, then its message (or {@code ls} of the apps with --json). */
    abstract static class Action extends ManagerCommand {
        @Parameters(arity = "0..*", paramLabel = "APP", description = "name, id or all; several apps may be given; or a brigade.yaml: its apps")
        List<String> targets = new ArrayList<>();

        @Option(names = "--json", description = "print the apps concerned as JSON")
        boolean json;

        abstract Request request(String target);

        /** Restart and reload: the mixin that waits for the apps to serve; null for the others. */
        Readiness readiness() {
            return null;
        }

        /**
         * The apps of a deployment file {@code target} once acted on (PM2's {@code pm2 stop ecosystem.config.js}), or null if
         * {@code target} names apps. Every app of the file must be known to the daemon, or nothing is done.
         */
        List<AppInfo> file(String target) throws Failed {
            Path file = DeployFile.path(target, main.host.cwd());
            if (file == null) {
                return null;
            }
            List<AppSpec> specs;
            try {
                specs = BrigadeYaml.load(file, null, main.host);
            } catch (ConfigException e) {
                throw Failed.of(e);
            }
            DeployFile.requireKnown(target, specs, DeployFile.known(this), "'brigade start " + target + "' starts them");
            List<AppInfo> apps = new ArrayList<>();
            for (AppSpec s : specs) {
                Response r = request(request(s.name()));
                apps.addAll(apps(r));
                if (!json && r instanceof Response.Ok ok) {
                    out().println(ok.message());
                }
            }
            return apps;
        }

        /** The apps acted on when none is named; null: naming one is required. */
        String byDefault() {
            return null;
        }

        @Override
        int run() throws Failed {
            if (targets.isEmpty()) {
                if (byDefault() == null) {
                    throw Failed.usage("give the app(s): a name, an id or all");
                }
                targets.add(byDefault());
            }
            List<AppInfo> apps = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (String t : new LinkedHashSet<>(targets)) {
                try {
                    List<AppInfo> fromFile = file(t);
                    if (fromFile != null) {
                        apps.addAll(fromFile);
                        continue;
                    }
                    Response r = request(request(t));
                    apps.addAll(apps(r));
                    if (!json && r instanceof Response.Ok ok) {
                        out().println(ok.message());
                    }
                } catch (Failed f) {
                    if (targets.size() == 1) {
                        throw f;
                    }
                    failures.add(f.getMessage()); // the other apps are still acted on
                    err().println("brigade: " + f.getMessage());
                }
            }
            Readiness readiness = readiness();
            int code = Main.OK;
            if (readiness != null) {
                Readiness.Outcome o = readiness.await(this, apps);
                code = Readiness.report(this, o, getClass().getSimpleName().toLowerCase());
                apps = o.apps();
            }
            if (json) {
                ListCommand.print(this, apps, true);
            }
            return failures.isEmpty() ? code : Main.FAILED;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops an app (SIGTERM to each process group, SIGKILL after the kill timeout).")
    static final class Stop extends Action {
        @Override
        Request request(String t) {
            return new Request.Stop(t);
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Stops and starts every instance (also of stopped and errored apps); a serving cluster-mode app gets its new workers before the old ones stop.")
    static final class Restart extends Action {
        @Mixin
        Readiness readiness;

        @Override
        Readiness readiness() {
            return readiness;
        }

        @Override
        Request request(String t) {
            return new Request.Restart(t);
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Rolling restart, one instance at a time (zero-downtime needs cluster mode).")
    static final class Reload extends Action {
        @Mixin
        Readiness readiness;

        @Option(names = "--environment", paramLabel = "NAME", description = "reload FILE: with each app's env_NAME block")
        String environment;

        /** {@code reload brigade.yaml}: the file's apps, which must run with the file's settings. */
        @Override
        List<AppInfo> file(String target) throws Failed {
            Path file = DeployFile.path(target, main.host.cwd());
            if (file == null) {
                return null;
            }
            try {
                return DeployFile.apply(this, target, BrigadeYaml.load(file, environment, main.host), false);
            } catch (ConfigException e) {
                throw Failed.of(e);
            }
        }

        @Override
        Readiness readiness() {
            return readiness;
        }

        @Override
        Request request(String t) {
            return new Request.Reload(t);
        }
    }

    @Command(name = "delete", aliases = "del", mixinStandardHelpOptions = true, description = "Stops an app and forgets it (its log files stay).")
    static final class Delete extends Action {
        @Override
        Request request(String t) {
            return new Request.Delete(t);
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true, description = "Empties apps' log files (all apps by default).")
    static final class Flush extends Action {
        @Override
        String byDefault() {
            return "all";
        }

        @Override
        Request request(String t) {
            return new Request.Flush(t);
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true, description = "Grows or shrinks an app to N instances (max: one per core).")
    static final class Scale extends ManagerCommand {
        @Mixin
        Readiness readiness;

        @Parameters(index = "0", paramLabel = "APP", description = "name or id")
        String target;

        @Parameters(index = "1", paramLabel = "N|max|+N|-N", description = "instances; +N adds N, -N removes N (as PM2's scale)")
        String instances;

        @Override
        int run() throws Failed {
            int n;
            if (instances.matches("[+-]\\d+")) { // relative, PM2's "scale api +2": not "scale to 2"
                List<AppInfo> found = apps(request(new Request.Describe(target)));
                if (found.size() != 1) {
                    throw Failed.usage("APP: scale takes one app, \"" + target + "\" names " + found.size());
                }
                int now = found.get(0).spec().instances();
                n = now + Integer.parseInt(instances);
                if (n < 1 || n > 1024) {
                    throw Failed.usage("N: " + found.get(0).name() + " has " + now + " instance(s), and " + instances + " would make " + n
                            + ", not in 1..1024");
                }
            } else if (instances.equalsIgnoreCase("max")) {
                n = dev.brigade.manager.container.CpuQuota.cores(); // the container's CPU quota, if any
            } else {
                try {
                    n = Integer.parseInt(instances);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 1 || n > 1024) {
                    throw Failed.usage("N: expected an integer in 1..1024, \"max\", or +N / -N to add or remove, got \"" + instances + "\"");
                }
            }
            Response r = request(new Request.Scale(target, n));
            if (r instanceof Response.Ok ok) {
                out().println(ok.message());
            }
            return Readiness.report(this, readiness.await(this, apps(r)), "scale");
        }
    }
}

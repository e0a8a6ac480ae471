package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that act on apps chosen by name, id or {@code all}: stop, restart, reload, delete, flush, scale. */
final class AppCommands {
    private AppCommands() {
    }

    /** One app action: a request for the target, then its message (or {@code ls} of the apps with --json). */
    abstract static class Action extends ManagerCommand {
        @Parameters(paramLabel = "APP", description = "name, id or all")
        String target;

        @Option(names = "--json", description = "print the apps concerned as JSON")
        boolean json;

        abstract Request request(String target);

        @Override
        int run() throws Failed {
            Response r = request(request(target));
            if (json) {
                ListCommand.print(this, apps(r), true);
            } else if (r instanceof Response.Ok ok) {
                out().println(ok.message());
            }
            return Main.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops an app (SIGTERM to each process group, SIGKILL after the kill timeout).")
    static final class Stop extends Action {
        @Override
        Request request(String t) {
            return new Request.Stop(t);
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, description = "Stops and starts every instance (also of stopped and errored apps).")
    static final class Restart extends Action {
        @Override
        Request request(String t) {
            return new Request.Restart(t);
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Rolling restart, one instance at a time (zero-downtime needs cluster mode).")
    static final class Reload extends Action {
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

    @Command(name = "flush", mixinStandardHelpOptions = true, description = "Empties an app's log files (all apps by default).")
    static final class Flush extends Action {
        @Override
        Request request(String t) {
            return new Request.Flush(t == null ? "all" : t);
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true, description = "Grows or shrinks an app to N instances.")
    static final class Scale extends ManagerCommand {
        @Parameters(index = "0", paramLabel = "APP", description = "name or id")
        String target;

        @Parameters(index = "1", paramLabel = "N", description = "instances")
        int instances;

        @Override
        int run() throws Failed {
            if (request(new Request.Scale(target, instances)) instanceof Response.Ok ok) {
                out().println(ok.message());
            }
            return Main.OK;
        }
    }
}

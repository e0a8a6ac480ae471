package dev.brigade.manager.cli;

import dev.brigade.manager.config.Host;
import dev.brigade.manager.daemon.Daemon;
import dev.brigade.manager.daemon.DaemonClient;
import dev.brigade.manager.daemon.Listing;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The commands about the daemon itself: kill, save, resurrect, and the daemon process. */
final class DaemonCommands {
    private DaemonCommands() {
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "Stops every app, then the daemon.")
    static final class Kill extends ManagerCommand {
        @Override
        int run() throws Failed {
            try (DaemonClient c = DaemonClient.tryConnect(home())) {
                if (c == null) {
                    out().println("no daemon runs for " + home().dir());
                    return Main.OK;
                }
                Response ping = c.send(new Request.Ping());
                long pid = ping instanceof Response.Ok ok ? Long.parseLong(ok.message().split(" ")[1]) : -1;
                Response r = c.send(new Request.Kill());
                if (r instanceof Response.Failure f) {
                    throw new Failed(f.message());
                }
                // returns once the daemon is gone, so that a following command starts a new one
                ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join());
                out().println(((Response.Ok) r).message());
                return Main.OK;
            } catch (IOException e) {
                throw new Failed("the daemon did not answer: " + e.getMessage());
            }
        }
    }

    @Command(name = "save", mixinStandardHelpOptions = true, description = "Saves the running apps (resurrect starts them again).")
    static final class Save extends ManagerCommand {
        @Override
        int run() throws Failed {
            out().println(((Response.Ok) request(new Request.Save())).message());
            return Main.OK;
        }
    }

    @Command(name = "resurrect", mixinStandardHelpOptions = true, description = "Starts the saved apps that do not run.")
    static final class Resurrect extends ManagerCommand {
        @Mixin
        Readiness readiness;

        @Override
        int run() throws Failed {
            Response.Ok ok = (Response.Ok) request(new Request.Resurrect());
            out().println(ok.message());
            notRunning();
            // as start does: return once every resurrected instance serves, or say why one does not
            Readiness.Outcome o = readiness.await(this, ok.apps());
            if (!o.apps().isEmpty()) {
                out().print(Listing.table(o.apps()));
            }
            return Readiness.report(this, o, "resurrect");
        }

        /**
         * A saved app the daemon knows but that does not run (stopped, errored) is left so by resurrect, which starts only
         * the saved apps the daemon does not know: said on stderr with the command that starts it, rather than implied to run.
         */
        private void notRunning() throws Failed {
            java.util.Set<String> saved = new java.util.HashSet<>();
            try {
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(home().dump().toFile())
                        .forEach(a -> saved.add(a.path("name").asText()));
            } catch (java.io.IOException | RuntimeException e) {
                return; // the daemon has read it already, and said what was wrong
            }
            for (var app : apps(request(new Request.ListApps()))) {
                java.util.Set<String> states = new java.util.TreeSet<>();
                app.instances().forEach(i -> states.add(i.status()));
                if (saved.contains(app.name()) && (states.isEmpty() || java.util.Set.of("stopped", "errored").containsAll(states))) {
                    err().println("brigade: saved app " + app.name() + " is " + (states.isEmpty() ? "stopped" : String.join("/", states))
                            + ", and resurrect starts only the saved apps the daemon does not know: 'brigade restart " + app.name()
                            + "' starts it");
                }
            }
        }
    }

    @Command(name = "daemon", hidden = true, mixinStandardHelpOptions = true,
            description = "Runs the daemon in the foreground (the other commands start it on demand).")
    static final class Run extends ManagerCommand {
        @Option(names = "--log-max-bytes", description = "rotate an instance's log past this size (default 10 MiB)")
        long logMaxBytes = 10L << 20;

        @Option(names = "--log-retain", description = "rotated files kept per instance (default 5)")
        int logRetain = 5;

        @Override
        int run() throws Failed {
            try {
                return Daemon.run(home(), logMaxBytes, logRetain, (args, cwd, path, java, out, err) ->
                        Main.run(args.toArray(String[]::new), out, err, new Host(cwd, path, java)));
            } catch (IOException e) {
                throw new Failed("daemon: " + e.getMessage());
            }
        }
    }
}

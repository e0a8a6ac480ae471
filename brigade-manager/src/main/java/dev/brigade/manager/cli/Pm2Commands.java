package dev.brigade.manager.cli;

import dev.brigade.cluster.Signal;
import dev.brigade.cluster.internal.Spawner;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** PM2 commands people reach for in the first hour, in Brigade's terms: jlist, ping, env, signal. */
final class Pm2Commands {
    private Pm2Commands() {
    }

    @Command(name = "jlist", mixinStandardHelpOptions = true, description = "Lists the apps as JSON (PM2's jlist; the same as 'brigade ls --json').")
    static final class JList extends ManagerCommand {
        @Override
        int run() throws Failed {
            ListCommand.print(this, apps(request(new Request.ListApps())), true);
            return Main.OK;
        }
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "Is the daemon there? Starts it if not, and prints its pid.")
    static final class Ping extends ManagerCommand {
        @Override
        int run() throws Failed {
            if (request(new Request.Ping()) instanceof Response.Ok ok) {
                out().println(ok.message());
            }
            return Main.OK;
        }
    }

    /** The running processes of an app (one instance, or all), from the daemon's listing. */
    abstract static class OnProcesses extends ManagerCommand {
        List<AppInfo.InstanceInfo> processes(String target, Integer instance) throws Failed {
            List<AppInfo.InstanceInfo> out = new ArrayList<>();
            for (AppInfo a : apps(request(new Request.Describe(target)))) {
                a.instances().stream().filter(i -> i.pid() != 0 && (instance == null || i.instance() == instance)).forEach(out::add);
            }
            if (out.isEmpty()) {
                throw new Failed("no running process of " + target + (instance == null ? "" : " instance " + instance));
            }
            return out;
        }
    }

    @Command(name = "env", mixinStandardHelpOptions = true, description = "Prints the environment an app's instance runs with (PM2's env).")
    static final class Env extends OnProcesses {
        @Parameters(index = "0", paramLabel = "APP", description = "name or id")
        String target;

        @Parameters(index = "1", arity = "0..1", paramLabel = "INSTANCE", description = "instance number (default 0)")
        int instance;

        @Override
        int run() throws Failed {
            AppInfo.InstanceInfo i = processes(target, instance).get(0);
            byte[] environ;
            try {
                environ = Files.readAllBytes(Path.of("/proc", Long.toString(i.pid()), "environ"));
            } catch (IOException e) {
                throw new Failed("cannot read the environment of pid " + i.pid() + ": " + e.getMessage());
            }
            Arrays.stream(new String(environ, StandardCharsets.UTF_8).split("\0")).filter(s -> !s.isEmpty()).sorted()
                    .map(Env::masked).forEach(out()::println);
            return Main.OK;
        }

        /** A cluster worker's IPC credential is not printed (terminals, shared screens and CI logs keep what they show). */
        static String masked(String variable) {
            return variable.startsWith(IPC_TOKEN + "=") ? IPC_TOKEN + "=(hidden: the worker's credential for its primary's IPC socket)"
                    : variable;
        }

        private static final String IPC_TOKEN = "BRIGADE_IPC_TOKEN";
    }

    @Command(name = "signal", aliases = "sendSignal", mixinStandardHelpOptions = true,
            description = "Sends a signal to every process of an app (PM2's sendSignal): SIGUSR1, USR2, HUP, ...")
    static final class SendSignal extends OnProcesses {
        @Parameters(index = "0", paramLabel = "SIGNAL", description = "a name (SIGUSR1, USR1) or a number")
        String signal;

        @Parameters(index = "1", paramLabel = "APP", description = "name, id or all")
        String target;

        @Option(names = "--instance", paramLabel = "N", description = "only this instance")
        Integer instance;

        @Override
        int run() throws Failed {
            int number = number(signal);
            for (AppInfo.InstanceInfo i : processes(target, instance)) {
                Spawner.kill((int) i.pid(), number, false);
                out().println("sent " + signal.toUpperCase(Locale.ROOT) + " to pid " + i.pid() + " (" + target + "-" + i.instance() + ")");
            }
            return Main.OK;
        }

        static int number(String s) throws Failed {
            String name = s.toUpperCase(Locale.ROOT);
            try {
                return Signal.valueOf(name.startsWith("SIG") ? name : "SIG" + name).number();
            } catch (IllegalArgumentException e) {
                try {
                    int n = Integer.parseInt(s);
                    if (n >= 1 && n <= 64) {
                        return n;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw Failed.usage("SIGNAL: expected one of " + Arrays.toString(Signal.values()) + " or a number in 1..64, got \"" + s + "\"");
            }
        }
    }
}

package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.Listing;
import dev.brigade.manager.daemon.Request;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code brigade describe APP}: everything about an app, and the last lines of its instances that are not online. */
@Command(name = "describe", aliases = {"show", "info"}, mixinStandardHelpOptions = true, description = "Shows an app's settings, instances and log files.")
final class DescribeCommand extends ManagerCommand {
    @Parameters(paramLabel = "APP", description = "name, id or all")
    String target;

    @Option(names = "--json", description = "print as JSON")
    boolean json;

    @Override
    int run() throws Failed {
        var apps = apps(request(new Request.Describe(target)));
        if (json) {
            ListCommand.print(this, apps, true);
            return Main.OK;
        }
        PrintStream o = out();
        for (AppInfo a : apps) {
            var s = a.spec();
            o.println(a.name() + " (id " + a.id() + ", " + a.mode() + " mode, " + s.kind() + ")");
            o.println("  command       " + String.join(" ", s.command()));
            o.println("  cwd           " + s.cwd());
            if (s.java() != null) {
                o.println("  java          " + dev.brigade.manager.config.Jdks.describe(s.java().javaBin()));
            }
            o.println("  min uptime    " + s.minUptimeMs() + " ms; listen timeout " + s.listenTimeoutMs() + " ms"
                    + (s.host() != null ? "; host " + s.host() : ""));
            o.println("  instances     " + s.instances() + (a.ports() != null && !a.ports().isEmpty()
                    ? ", sharing port " + a.ports().get(0) + " (one socket, bound by the daemon)"
                    : s.port() > 0 ? ", PORT=" + s.port() : ""));
            o.println("  env           " + (s.env().isEmpty() ? "-" : s.env()));
            o.println("  max memory    " + (s.maxMemoryBytes() == 0 ? "-" : Listing.bytes(s.maxMemoryBytes())));
            o.println("  kill timeout  " + s.killTimeoutMs() + " ms; max restarts " + s.maxRestarts() + "/min, delay "
                    + s.restartDelayMs() + " ms doubling");
            o.println("  archive       " + (a.archive() == null ? "-" : a.archive()));
            if (a.standby() != null) {
                o.println("  standby       " + a.standby());
            }
            o.println("  logs          " + a.logDir() + (a.logError() != null ? "  (ERROR: " + a.logError() + ")" : ""));
            for (AppInfo.InstanceInfo i : a.instances()) {
                o.println("  [" + i.instance() + "] " + i.status() + (i.pid() != 0 ? " pid " + i.pid() + ", up " + Listing.duration(i.uptimeMs()) : "")
                        + ", " + i.restarts() + " restarts" + (i.lastExit() != null ? ", last exit: " + i.lastExit() : "")
                        + ", log " + i.logFile());
                if (i.problem() != null) {
                    o.println("      NOT SERVING: " + i.problem());
                }
                if (!"online".equals(i.status()) && !"listening".equals(i.status()) && !i.lastLines().isEmpty()) {
                    o.println("      last lines:");
                    i.lastLines().forEach(l -> o.println("      | " + l));
                }
            }
        }
        return Main.OK;
    }
}

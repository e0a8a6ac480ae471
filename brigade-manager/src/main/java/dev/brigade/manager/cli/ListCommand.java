package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.Listing;
import dev.brigade.manager.daemon.Request;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code brigade ls}: every app, one row per instance. */
@Command(name = "list", aliases = {"ls", "status", "l", "ps"}, mixinStandardHelpOptions = true,
        description = "Lists the apps: name, id, mode, pid, status, uptime, restarts, cpu, memory.")
final class ListCommand extends ManagerCommand {
    @Option(names = "--json", description = "print the apps as JSON (every field of every instance)")
    boolean json;

    @Override
    int run() throws Failed {
        print(this, apps(request(new Request.ListApps())), json);
        return Main.OK;
    }

    static void print(ManagerCommand c, List<AppInfo> apps, boolean json) throws Failed {
        c.out().print(json ? Listing.json(apps) : Listing.table(apps));
        c.out().flush();
    }
}

package dev.brigade.manager.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.Request;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code brigade ls}: every app, one row per instance. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
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
        if (json) {
            try {
                c.out().println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(apps));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new Failed("cannot print JSON: " + e.getMessage());
            }
        } else {
            Formats.table(c.out(), apps);
        }
    }
}

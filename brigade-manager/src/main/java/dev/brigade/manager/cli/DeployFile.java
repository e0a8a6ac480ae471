package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppSpec;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * brigade.yaml as a deployment file: {@code start FILE} again, or {@code reload FILE}, reloads the
 * apps of the file that run already (a rolling reload: zero-downtime in cluster mode) and starts
 * the others ({@code reload} only reloads). An app that runs with other settings than the file
 * gives (another command, env, instances...) is refused by name before anything is done: the
 * daemon cannot yet change a running app's settings, and a silent restart with the old ones would
 * be a lie.
 */
final class DeployFile {
    private DeployFile() {
    }

    /** Applies {@code specs}; returns what the daemon answered for each app acted on. */
    static List<AppInfo> apply(ManagerCommand c, List<AppSpec> specs, boolean startMissing) throws ManagerCommand.Failed {
        Map<String, AppInfo> running = ManagerCommand.apps(c.request(new Request.ListApps())).stream()
                .collect(Collectors.toMap(AppInfo::name, Function.identity()));
        List<AppSpec> fresh = new ArrayList<>();
        List<String> reload = new ArrayList<>();
        for (AppSpec s : specs) {
            AppInfo now = running.get(s.name());
            if (now == null) {
                if (!startMissing) {
                    throw new ManagerCommand.Failed("app " + s.name() + " does not run: 'brigade start' the file to start it");
                }
                fresh.add(s);
            } else if (!now.spec().equals(s)) {
                throw new ManagerCommand.Failed("app " + s.name() + " runs with other settings than the file gives; changing a running "
                        + "app's settings is not supported yet: 'brigade delete " + s.name() + "', then start the file again");
            } else {
                reload.add(s.name());
            }
        }
        List<AppInfo> acted = new ArrayList<>();
        for (String name : reload) {
            Response r = c.request(new Request.Reload(name));
            if (r instanceof Response.Ok ok) {
                c.out().println(ok.message());
            }
            acted.addAll(ManagerCommand.apps(r));
        }
        if (!fresh.isEmpty()) {
            acted.addAll(ManagerCommand.apps(c.request(new Request.Start(fresh))));
        }
        return acted;
    }
}

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

    /** Applies {@code specs}, those of {@code file} (as the user typed it); returns what the daemon answered for each app acted on. */
    static List<AppInfo> apply(ManagerCommand c, String file, List<AppSpec> specs, boolean startMissing) throws ManagerCommand.Failed {
        Map<String, AppInfo> running = known(c);
        if (!startMissing) {
            requireKnown(file, specs, running, "'brigade start " + file + "' starts them");
        }
        List<AppSpec> fresh = new ArrayList<>();
        List<String> reload = new ArrayList<>();
        for (AppSpec s : specs) {
            AppInfo now = running.get(s.name());
            if (now == null) {
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

    /** The apps the daemon knows, by name. */
    static Map<String, AppInfo> known(ManagerCommand c) throws ManagerCommand.Failed {
        return ManagerCommand.apps(c.request(new Request.ListApps())).stream()
                .collect(Collectors.toMap(AppInfo::name, Function.identity()));
    }

    /** Fails, naming every app of {@code file} the daemon does not know (and what it knows), before anything is done. */
    static void requireKnown(String file, List<AppSpec> specs, Map<String, AppInfo> known, String remedy) throws ManagerCommand.Failed {
        List<String> missing = specs.stream().map(AppSpec::name).filter(n -> !known.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new ManagerCommand.Failed(file + ": " + (missing.size() == 1 ? "app " + missing.get(0) + " does not run"
                    : "apps " + String.join(", ", missing) + " do not run") + " (the daemon knows "
                    + (known.isEmpty() ? "no app" : String.join(", ", known.keySet())) + "; " + remedy + "); nothing was done");
        }
    }

    /**
     * The deployment file {@code target} names, resolved against {@code cwd}; null if {@code target} is no file name
     * (*.yaml, *.yml, *.json) but an app's name or id.
     */
    static java.nio.file.Path path(String target, java.nio.file.Path cwd) throws ManagerCommand.Failed {
        if (target.matches("(.*/)?[^/]*config\\.[cm]?js")) {
            StartOptions.refuseJavaScript(target, cwd); // PM2's ecosystem.config.js
        }
        if (!dev.brigade.manager.config.BrigadeYaml.isConfigFile(target)) {
            return null;
        }
        java.nio.file.Path file = cwd.resolve(target).normalize();
        if (!java.nio.file.Files.exists(file)) {
            throw new ManagerCommand.Failed(target + ": file not found: " + file); // as start's
        }
        return file;
    }
}

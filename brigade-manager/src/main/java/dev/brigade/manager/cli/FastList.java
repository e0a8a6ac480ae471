package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.DaemonClient;
import dev.brigade.manager.daemon.Home;
import dev.brigade.manager.daemon.Listing;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/*
 * `brigade ls` is the command people run most, and PM2 answers it in ~0.4 s. Here the daemon
 * answers in microseconds; the CLI JVM's start-up is the whole cost, and most of that was picocli
 * building the model of every command by reflection (its classes are Java 5 class files, which the
 * JVM's class-data archive cannot hold). So `ls`/`list` with only the options it has (--json,
 * --home) and a running daemon skip picocli: same request, same output (Listing.table, the same
 * JSON). Anything else, or no daemon yet (ls then starts it), takes the ordinary path.
 */
/** The picocli-free path of {@code brigade ls}. */
final class FastList {
    private FastList() {
    }

    /** The exit code, or null to take the ordinary path. */
    static Integer tryRun(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !java.util.Set.of("ls", "list", "status", "l", "ps").contains(args[0])) {
            return null;
        }
        boolean json = false;
        Path homeDir = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--home") && i + 1 < args.length) {
                homeDir = Path.of(args[++i]);
            } else if (a.startsWith("--home=")) {
                homeDir = Path.of(a.substring("--home=".length()));
            } else {
                return null; // --help, a typo...: picocli explains
            }
        }
        Home home;
        try {
            home = homeDir != null ? new Home(homeDir) : Home.fromEnvironment();
        } catch (RuntimeException e) {
            return null;
        }
        DaemonClient c = DaemonClient.tryConnect(home);
        if (c == null) {
            return null;
        }
        try (c) {
            Response r = c.send(new Request.ListApps());
            if (r instanceof Response.Failure f) {
                err.println("brigade: " + f.message());
                return Main.FAILED;
            }
            var apps = ManagerCommand.apps(r);
            out.print(json ? Listing.json(apps) : Listing.table(apps));
            out.flush();
            return Main.OK;
        } catch (IOException e) {
            err.println("brigade: the daemon at " + home.socket() + " did not answer: " + e.getMessage());
            return Main.FAILED;
        }
    }
}

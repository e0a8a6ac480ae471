package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.DaemonClient;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code brigade logs}: the last lines of every instance, prefixed with app and instance; {@code -f} follows. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Prints an app's recent output (all apps by default); -f follows.")
final class LogsCommand extends ManagerCommand {
    @Parameters(arity = "0..1", paramLabel = "APP", description = "name, id or all (default)")
    String target = "all";

    @Option(names = "--lines", paramLabel = "N", description = "lines per instance (default 15)")
    int lines = 15;

    @Option(names = {"-f", "--follow"}, description = "keep printing new lines until interrupted")
    boolean follow;

    @Option(names = "--raw", description = "no app|instance prefix")
    boolean raw;

    @Option(names = "--nostream", hidden = true, description = "PM2's: print the recent lines and exit, what logs does without -f")
    boolean noStream;

    @Override
    int run() throws Failed {
        if (noStream && follow) {
            throw Failed.usage("--nostream and --follow exclude each other (without -f, logs prints the recent lines and exits)");
        }
        if (lines < 0) {
            throw new Failed("--lines must be >= 0, got " + lines);
        }
        try (DaemonClient c = connect()) {
            Response end = c.logs(new Request.Logs(target, lines, follow), l -> {
                out().println(raw ? l.text() : l.app() + "-" + l.instance() + " | " + l.text());
                if (follow) {
                    out().flush();
                }
            });
            if (end instanceof Response.Failure f) {
                throw new Failed(f.message());
            }
        } catch (IOException e) {
            if (!follow) {
                throw new Failed("the daemon did not answer: " + e.getMessage());
            }
        }
        return Main.OK;
    }
}

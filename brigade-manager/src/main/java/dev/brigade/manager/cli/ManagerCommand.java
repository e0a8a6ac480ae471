package dev.brigade.manager.cli;

import dev.brigade.manager.config.ConfigException;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.DaemonClient;
import dev.brigade.manager.daemon.Home;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * What the commands that talk to the daemon share: {@code --home}, the connection (the daemon is
 * started on demand), and turning a failure into one line on stderr and exit code 1.
 */
abstract class ManagerCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--home", paramLabel = "DIR",
            description = "BRIGADE_HOME: the daemon's socket, saved apps and logs (default: $BRIGADE_HOME, else ~/.brigade)")
    Path homeDir;

    /** A failure already explained to the user; {@link #call} prints it and returns its exit code. */
    static final class Failed extends Exception {
        final int code;

        /** The command failed: exit code {@link Main#FAILED}. */
        Failed(String message) {
            this(message, Main.FAILED);
        }

        private Failed(String message, int code) {
            super(message);
            this.code = code;
        }

        /** A usage error or an invalid value: exit code {@link Main#USAGE}. */
        static Failed usage(String message) {
            return new Failed(message, Main.USAGE);
        }

        /** An invalid value is a usage error; something named that is missing makes the command fail. */
        static Failed of(ConfigException e) {
            return new Failed(e.getMessage(), e.missing() ? Main.FAILED : Main.USAGE);
        }
    }

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (Failed e) {
            err().println("brigade: " + e.getMessage());
            return e.code;
        }
    }

    abstract int run() throws Failed;

    Home home() {
        return homeDir != null ? new Home(homeDir) : Home.fromEnvironment();
    }

    PrintStream out() {
        return main.out;
    }

    PrintStream err() {
        return main.err;
    }

    DaemonClient connect() throws Failed {
        try {
            return DaemonClient.connect(home(), err());
        } catch (IOException e) {
            throw new Failed("cannot reach the daemon: " + e.getMessage());
        }
    }

    /** Sends one request (starting the daemon if needed); a {@link Response.Failure} becomes {@link Failed}. */
    Response request(Request r) throws Failed {
        try (DaemonClient c = connect()) {
            Response resp = c.send(r);
            if (resp instanceof Response.Failure f) {
                throw new Failed(f.message());
            }
            return resp;
        } catch (IOException e) {
            throw new Failed("the daemon at " + home().socket() + " did not answer: " + e.getMessage());
        }
    }

    /** The apps a response carries. */
    static List<AppInfo> apps(Response r) {
        return switch (r) {
            case Response.Ok ok -> ok.apps();
            case Response.Apps a -> a.apps();
            case Response.Failure f -> List.of();
            case Response.LogLine l -> List.of();
        };
    }
}

package dev.brigade.manager.cli;

import dev.brigade.manager.config.Host;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code brigade} command. Started by the {@code ./brigade} launcher at the repository
 * root, which puts every jar of {@code brigade-dist/target/lib} on the class path.
 *
 * <p>Exit codes are a protocol (scripts and CI rely on them): {@link #OK}, {@link #FAILED},
 * {@link #USAGE}.
 */
@Command(
        name = "brigade",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Node's worker_threads and cluster model, and the PM2 experience, for the JVM.",
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok",
            "  1  the command failed (unknown app, missing jar or command, an app that is not serving after start,",
            "     daemon unreachable, or a demo or bench check did not pass); run: every app stopped or errored",
            "  2  usage error: unknown command, option or suite, or an invalid value (--kill-timeout 5, -i lots,",
            "     a brigade.yaml entry)",
            "",
            "Run 'brigade help COMMAND' for a command's options."})
public final class Main implements Callable<Integer> {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** A check failed: a demo or bench step did not pass, or the command failed. */
    public static final int FAILED = 1;
    /** Usage error: unknown command, option or suite. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    /** Where subcommands write; {@link #run} sets them so tests can capture the output. */
    PrintStream out = System.out;
    PrintStream err = System.err;
    /** Keys for interactive commands (monit) when not null; null: the terminal's, if there is one. */
    InputStream in;
    /** Where the command was typed (the daemon runs commands for the launcher's bash client). */
    Host host;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns the exit code, without exiting the JVM. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Integer fast = FastList.tryRun(args, out, err);
        if (fast != null) {
            return fast;
        }
        return run(args, out, err, Host.current());
    }

    /** The same for a command typed elsewhere: {@code host} gives its directory, PATH and java. */
    public static int run(String[] args, PrintStream out, PrintStream err, Host host) {
        return run(args, null, out, err, host);
    }

    /** The same with the keys an interactive command reads ({@code null}: the terminal's, if any). */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Host host) {
        Main main = new Main();
        main.in = in;
        main.out = out;
        main.err = err;
        main.host = host;
        CommandLine cl = new CommandLine(main);
        // picocli builds the model of every command it is given, by reflection, and that was most of
        // a command's start-up: a named command gets only its own model; help and mistakes get them all.
        Class<?> named = args.length > 0 ? command(args[0]) : null;
        for (Class<?> c : named != null ? List.<Class<?>>of(named) : COMMANDS) {
            cl.addSubcommand(c);
        }
        cl.setExpandAtFiles(false); // an app's argument may well start with '@'
        cl.setParameterExceptionHandler(Hints::handle);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // An unexpected failure: one line naming it; the stack trace only when asked for.
            commandLine.getErr().println("brigade: " + commandLine.getCommandName() + " failed: " + ex);
            if (System.getenv("BRIGADE_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("brigade: set BRIGADE_DEBUG=1 for the stack trace");
            }
            return FAILED;
        });
        return cl.execute(args);
    }

    /** The commands, in the order {@code brigade --help} lists them. */
    static final List<Class<?>> COMMANDS = List.of(StartCommand.class, RunCommand.class, ListCommand.class, AppCommands.Stop.class,
            AppCommands.Restart.class, AppCommands.Reload.class, AppCommands.Scale.class, AppCommands.Delete.class,
            DescribeCommand.class, LogsCommand.class, MonitCommand.class, DashboardCommand.class, AppCommands.Flush.class, DaemonCommands.Save.class,
            DaemonCommands.Resurrect.class, DaemonCommands.Kill.class, StartupCommand.class, DaemonCommands.Run.class,
            Pm2Commands.JList.class, Pm2Commands.Ping.class, Pm2Commands.Env.class, Pm2Commands.SendSignal.class,
            DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class);

    /** The command class named {@code name} (or one of its aliases), or null. */
    static Class<?> command(String name) {
        if (name.equals("help")) {
            return null; // help lists every command
        }
        for (Class<?> c : COMMANDS) {
            Command a = c.getAnnotation(Command.class);
            if (a.name().equals(name) || List.of(a.aliases()).contains(name)) {
                return c;
            }
        }
        return null;
    }

    /** {@code brigade} with no command: the usage, on stderr, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }
}

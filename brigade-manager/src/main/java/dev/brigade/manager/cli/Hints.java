package dev.brigade.manager.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What a PM2 user types that Brigade spells otherwise: picocli's usage error, followed by the
 * Brigade equivalent, and exit code 2. No usage dump: one command's help is one {@code --help} away.
 */
final class Hints {
    private Hints() {
    }

    static int handle(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String command = cl.getCommandName();
        String prefix = cl.getParent() == null ? "brigade" : "brigade " + command; // not "brigade brigade"
        if (cl.getParent() == null && ex instanceof UnmatchedArgumentException u && !u.isUnknownOption() && !u.getUnmatched().isEmpty()) {
            String word = u.getUnmatched().get(0);
            if (PM2_COMMANDS.containsKey(word)) { // one line saying what to type instead; no list of commands
                err.println("brigade: PM2's " + word + ": " + PM2_COMMANDS.get(word));
                return Main.USAGE;
            }
            return unknownCommand(cl, word);
        }
        // picocli names an option with a label as "option '--env' (K=V)" and prefixes "option" again
        String plain = plain(ex);
        err.println(prefix + ": " + (plain != null ? plain : String.valueOf(ex.getMessage()).replace("option option", "option")));
        String hint = hint(ex, command);
        if (hint != null) {
            err.println(prefix + ": " + hint);
        } else if (ex instanceof UnmatchedArgumentException u) {
            UnmatchedArgumentException.printSuggestions(u, err); // a hint says more than a near spelling
        }
        if (cl.getParent() == null) {
            cl.usage(err); // brigade's own usage is the list of commands
        } else {
            err.println("Run 'brigade help " + command + "' for its options.");
        }
        return Main.USAGE;
    }

    /** {@code brigade frobnicate}: one line naming it, the commands spelled nearly so, and where the list is. */
    private static int unknownCommand(CommandLine cl, String word) {
        PrintWriter err = cl.getErr();
        err.println("brigade: unknown command '" + word + "'");
        List<String> near = Suggestions.near(word, cl.getSubcommands().keySet());
        if (!near.isEmpty()) {
            err.println("brigade: did you mean " + String.join(" or ", near.stream().map(n -> "'" + n + "'").toList()) + "?");
        }
        err.println("see brigade --help");
        return Main.USAGE;
    }

    /** The valid values of the options whose type picocli converts (an int), for "expected ..." messages. */
    static final Map<String, String> RANGES = Map.of(
            "--lines", "an integer, 0 or more",
            "--metrics-port", "a port in 0..65535",
            "--health-port", "a port in 0..65535",
            "--port", "a port in 0..65535",
            "--instance", "an instance number, 0 or more",
            "--log-retain", "an integer, 1 or more",
            "--log-max-bytes", "a number of bytes");

    /** "--env: expected KEY=VALUE, got "FOO"" for the value errors picocli words in its own way; null for the others. */
    private static String plain(ParameterException ex) {
        if (!(ex.getArgSpec() instanceof OptionSpec o) || ex.getValue() == null) {
            return null;
        }
        String name = o.longestName();
        if (name.equals("--env") && !ex.getValue().contains("=")) {
            return "--env: expected KEY=VALUE, got \"" + ex.getValue() + "\"";
        }
        Class<?> type = o.type();
        boolean number = type == int.class || type == Integer.class || type == long.class || type == Long.class;
        if (number && String.valueOf(ex.getMessage()).startsWith("Invalid value for option")) {
            return name + ": expected " + RANGES.getOrDefault(name, "an integer") + ", got \"" + ex.getValue() + "\"";
        }
        return null;
    }

    /** PM2's options Brigade does not have (yet), and what to do instead. */
    static final Map<String, String> PM2_OPTIONS = Map.ofEntries(
            Map.entry("--watch", "--watch is not supported yet: after a change, 'brigade reload APP' (zero-downtime in cluster mode)"),
            Map.entry("--cron-restart", "--cron-restart is not supported yet: run 'brigade reload APP' from cron"),
            Map.entry("--cron", "--cron is not supported yet: run 'brigade reload APP' from cron"),
            Map.entry("--no-autorestart", "every crashed instance is restarted (a crash loop ends errored); --no-autorestart is not supported"),
            Map.entry("--time", "log lines are not timestamped yet (--time is not supported)"),
            Map.entry("--wait-ready", "start already waits: until each worker listens (cluster mode) or stays up --min-uptime (fork mode)"),
            Map.entry("--update-env", "restart keeps the environment given at start: delete the app and start it again with the new --env"),
            Map.entry("--node-args", "JVM flags go in --jvm-args"),
            Map.entry("--interpreter-args", "JVM flags go in --jvm-args"),
            Map.entry("-o", "logs go to $BRIGADE_HOME/logs/APP-N.log (both streams; rotated): 'brigade logs APP'"),
            Map.entry("--output", "logs go to $BRIGADE_HOME/logs/APP-N.log (both streams; rotated): 'brigade logs APP'"),
            Map.entry("-e", "logs go to $BRIGADE_HOME/logs/APP-N.log (both streams; rotated): 'brigade logs APP'"),
            Map.entry("--error", "logs go to $BRIGADE_HOME/logs/APP-N.log (both streams; rotated): 'brigade logs APP'"),
            Map.entry("--log", "logs go to $BRIGADE_HOME/logs/APP-N.log (both streams; rotated): 'brigade logs APP'"),
            Map.entry("--err", "logs go to one file per instance, both streams together: 'brigade logs APP'"),
            Map.entry("--merge-logs", "'brigade logs APP' merges the instances' lines already (the files stay one per instance)"),
            Map.entry("--log-date-format", "log lines are not timestamped yet (--log-date-format is not supported)"),
            Map.entry("--timestamp", "log lines are not timestamped yet (--timestamp is not supported)"),
            Map.entry("-f", "Brigade starts no second app of one name: another --name, or 'brigade restart APP' (no --force needed)"),
            Map.entry("--force", "not needed: 'brigade save' replaces the dump (and keeps it when no app runs); "
                    + "start makes no second app of one name: another --name, or 'brigade restart APP'"),
            Map.entry("--exp-backoff-restart-delay", "--restart-delay DURATION is Brigade's: the delay doubles on each restart in a row"),
            Map.entry("--no-daemon", "'brigade run' runs the apps in the foreground (as pm2-runtime and --no-daemon do)"),
            Map.entry("-x", "Brigade runs commands: give the interpreter with the script, as in brigade start \"python3 app.py\""),
            Map.entry("--interpreter", "Brigade runs commands: give the interpreter with the script, as in brigade start \"python3 app.py\""),
            Map.entry("--only", "--only is not supported yet: act on the file's apps by name (brigade restart api worker), "
                    + "or give the one app a file of its own"),
            Map.entry("--attach", "follow the output with 'brigade logs APP -f'"),
            Map.entry("--namespace", "namespaces are not supported: act on several apps by name (brigade stop a b) or all"));

    /** PM2's commands Brigade does not have, and what to do instead. */
    static final Map<String, String> PM2_COMMANDS = Map.ofEntries(
            Map.entry("pid", "the pids are in 'brigade ls' (or 'brigade jlist', instances[].pid)"),
            Map.entry("id", "the ids are in 'brigade ls' (first column; Brigade's ids start at 1)"),
            Map.entry("reset", "restart counters start again at 0 when the app is deleted and started again ('brigade delete APP')"),
            Map.entry("unstartup", "remove the systemd unit 'brigade startup' wrote: systemctl --user disable --now brigade.service, then delete the unit file it named"),
            Map.entry("reloadLogs", "not needed: Brigade rotates logs itself (10 MiB, 5 files kept per instance)"),
            Map.entry("monitor", "'brigade monit'"),
            Map.entry("dashboard", "'brigade monit'"),
            Map.entry("prettylist", "'brigade jlist' or 'brigade ls --json'"),
            Map.entry("update", "'brigade save', then 'brigade kill', then 'brigade resurrect'"));

    private static String hint(ParameterException ex, String command) {
        boolean start = command.equals("start") || command.equals("run");
        if (ex instanceof UnmatchedArgumentException u && u.isUnknownOption()) {
            String known = u.getUnmatched().stream().map(a -> a.replaceFirst("=.*", "")).map(PM2_OPTIONS::get)
                    .filter(h -> h != null).findFirst().orElse(null);
            if (known != null) {
                return "PM2's option: " + known;
            }
        }
        if (ex instanceof UnmatchedArgumentException u && ex.getCommandLine().getParent() == null && !u.getUnmatched().isEmpty()
                && PM2_COMMANDS.containsKey(u.getUnmatched().get(0))) {
            return "PM2's " + u.getUnmatched().get(0) + ": " + PM2_COMMANDS.get(u.getUnmatched().get(0));
        }
        if (ex instanceof UnmatchedArgumentException u && start && u.isUnknownOption()) {
            List<String> unmatched = u.getUnmatched();
            return "Brigade's options may come before or after TARGET; the app's own options go after --, as in: brigade "
                    + command + " app.jar -i 2 -- " + (unmatched.isEmpty() ? "--app-flag" : unmatched.get(0));
        }
        ArgSpec arg = ex.getArgSpec();
        if (arg instanceof OptionSpec o && o.longestName().equals("--env") && ex.getValue() != null && !ex.getValue().contains("=")) {
            return "--env sets one variable, NAME=VALUE; to apply brigade.yaml's env_" + ex.getValue()
                    + " blocks (PM2's --env " + ex.getValue() + "), use --environment " + ex.getValue();
        }
        return null;
    }
}

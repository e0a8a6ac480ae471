package dev.brigade.manager.cli;

import java.io.PrintWriter;
import java.util.List;
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
        err.println("brigade " + command + ": " + ex.getMessage());
        String hint = hint(ex, command);
        if (hint != null) {
            err.println("brigade " + command + ": " + hint);
        }
        if (ex instanceof UnmatchedArgumentException u) {
            UnmatchedArgumentException.printSuggestions(u, err);
        }
        if (cl.getParent() == null) {
            cl.usage(err); // brigade's own usage is the list of commands
        } else {
            err.println("Run 'brigade help " + command + "' for its options.");
        }
        return Main.USAGE;
    }

    private static String hint(ParameterException ex, String command) {
        boolean start = command.equals("start") || command.equals("run");
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

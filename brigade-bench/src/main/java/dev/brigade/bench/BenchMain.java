package dev.brigade.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code brigade bench <suite> [--json] [--quick]}: runs one suite (or {@code all}) and prints
 * its report. With {@code --json}, stdout carries exactly one JSON object and nothing else;
 * progress and notes go to stderr.
 *
 * <p>Exit codes: 0 ok, 1 a suite failed, 2 usage error (unknown option or suite, or a suite
 * that is not built yet).
 */
public final class BenchMain {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private BenchMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != OK) {
            System.exit(code);
        }
    }

    /** Runs the bench with the suites built into this class path; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> warnings = new ArrayList<>();
        Map<String, Suite> built = Suites.discover(BenchMain.class.getClassLoader(), warnings);
        warnings.forEach(w -> err.println("bench: warning: " + w));
        return run(args, out, err, built);
    }

    /** Runs the bench with the given suites (tests pass their own); returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, Suite> built) {
        List<String> valid = Suites.validNames(built);
        String suite = null;
        boolean json = false;
        boolean quick = false;
        List<String> frameworks = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--frameworks") || a.startsWith("--frameworks=")) {
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[++i] : null;
                if (value == null) {
                    return usageError(err, "--frameworks needs a value: a comma-separated list of "
                            + String.join(", ", dev.brigade.bench.ports.PortsSuite.FRAMEWORKS) + ", or all, or none", valid);
                }
                frameworks = dev.brigade.bench.ports.PortsSuite.frameworks(value);
                if (frameworks == null) {
                    return usageError(err, "--frameworks '" + value + "': valid values are a comma-separated list of "
                            + String.join(", ", dev.brigade.bench.ports.PortsSuite.FRAMEWORKS) + ", or all, or none", valid);
                }
                continue;
            }
            switch (a) {
                case "--json" -> json = true;
                case "--quick" -> quick = true;
                case "-h", "--help" -> {
                    out.println(usage(valid));
                    return OK;
                }
                default -> {
                    if (a.startsWith("-")) {
                        return usageError(err, "unknown option '" + a + "'", valid);
                    }
                    if (suite != null) {
                        return usageError(err, "one suite at a time (got '" + suite + "' and '" + a + "')", valid);
                    }
                    suite = a;
                }
            }
        }
        if (suite == null) {
            return usageError(err, "which suite?", valid);
        }
        if (!valid.contains(suite)) {
            return usageError(err, "unknown suite '" + suite + "'; valid suites: " + String.join(", ", valid), valid);
        }
        BenchOptions options = new BenchOptions(quick, json, frameworks);

        List<String> toRun = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (suite.equals("all")) {
            for (String name : valid) {
                if (name.equals("all")) {
                    continue;
                }
                (built.containsKey(name) ? toRun : skipped).add(name);
            }
            if (toRun.isEmpty()) {
                err.println("bench: no suite is built yet (planned: " + String.join(", ", skipped) + ")");
                return USAGE;
            }
            if (!skipped.isEmpty()) {
                err.println("bench: not built yet, skipped: " + String.join(", ", skipped));
            }
        } else if (!built.containsKey(suite)) {
            err.println("bench: suite '" + suite + "' is not built yet"
                    + (built.isEmpty() ? "" : " (built: " + String.join(", ", built.keySet()) + ")"));
            return USAGE;
        } else {
            toRun.add(suite);
        }

        Machine machine = Machine.current();
        List<Figure> figures = new ArrayList<>();
        int code = OK;
        // In --json mode stdout carries the JSON object only: whatever a suite or a library it
        // drives (JMH...) prints to System.out meanwhile is sent to stderr instead.
        PrintStream systemOut = System.out;
        if (json) {
            System.setOut(err);
        }
        try {
            for (String name : toRun) {
                err.println("bench: running " + name + (quick ? " (quick)" : "") + "...");
                long start = System.nanoTime();
                try {
                    List<Figure> fs = built.get(name).run(options);
                    figures.addAll(fs);
                    err.printf("bench: %s done in %.1f s, %d figures%n", name, (System.nanoTime() - start) / 1e9, fs.size());
                } catch (Exception | LinkageError e) {
                    err.println("bench: suite '" + name + "' failed: " + e);
                    if (System.getenv("BRIGADE_DEBUG") != null) {
                        e.printStackTrace(err);
                    }
                    code = FAILED;
                }
            }
        } finally {
            if (json) {
                System.setOut(systemOut);
            }
        }
        if (code != OK && figures.isEmpty()) {
            return code;
        }
        Report report = new Report(suite, machine, figures, skipped);
        if (json) {
            report.printJson(out);
        } else {
            out.print(report.table());
            out.flush();
        }
        return code;
    }

    static String usage(List<String> valid) {
        return "Usage: brigade bench <suite> [--json] [--quick] [--frameworks LIST]\n"
                + "  <suite>   one of: " + String.join(", ", valid) + "\n"
                + "  --json    print exactly one JSON object on stdout (progress goes to stderr)\n"
                + "  --quick   smoke-test mode: fewer repetitions, about 30 s per suite\n"
                + "  --frameworks LIST  ports: the framework apps to run (comma-separated, all or none; default: every\n"
                + "            one built, by `mvn verify -pl brigade-compat -am -Pcompat-full`)";
    }

    private static int usageError(PrintStream err, String message, List<String> valid) {
        err.println("bench: " + message);
        err.println(usage(valid));
        return USAGE;
    }
}

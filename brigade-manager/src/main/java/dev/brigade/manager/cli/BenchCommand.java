package dev.brigade.manager.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code brigade bench <suite> [--json] [--quick]}: hands over to
 * {@code dev.brigade.bench.BenchMain} in the brigade-bench jar.
 *
 * <p>The bench is looked up by name, not linked: brigade-manager does not depend on
 * brigade-bench (JMH and the peers' harnesses stay out of the manager), and the
 * distribution puts both jars on one class path.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
            "Measures Brigade and, in the same run, each installed peer (Node, Piscina, ...).",
            "Prints a table, or with --json exactly one JSON object on stdout (progress goes to stderr)."},
        footer = {"", "A suite takes <= 3 min, <= 30 s with --quick; 'all' runs every suite that is built.",
            "Exit codes: 0 ok, 1 a suite failed, 2 usage error or a suite that is not built yet."})
final class BenchCommand implements Callable<Integer> {
    /** Every suite name the bench knows, in `all` order; BenchMain checks them again. */
    static final List<String> SUITES = List.of("workers", "pool", "cluster", "ports", "manager", "store", "dashboard", "all");

    static final String BENCH_MAIN = "dev.brigade.bench.BenchMain";

    /** picocli's completion candidates: the suite names. */
    static final class Suites extends ArrayList<String> {
        Suites() {
            super(SUITES);
        }
    }

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<suite>", completionCandidates = Suites.class,
            description = "one of: ${COMPLETION-CANDIDATES}")
    String suite;

    @Option(names = "--json", description = "print exactly one JSON object on stdout (see docs/benchmarks.md)")
    boolean json;

    @Option(names = "--quick", description = "smoke-test mode: fewer repetitions, about 30 s per suite")
    boolean quick;

    @Option(names = "--frameworks", paramLabel = "LIST",
            description = "ports: the framework apps to run (comma-separated, all or none; default: every one built)")
    String frameworks;

    @Override
    public Integer call() throws Exception {
        if (!SUITES.contains(suite)) {
            throw new ParameterException(spec.commandLine(),
                    "unknown suite '" + suite + "'; valid suites: " + String.join(", ", SUITES));
        }
        List<String> args = new ArrayList<>();
        args.add(suite);
        if (json) {
            args.add("--json");
        }
        if (quick) {
            args.add("--quick");
        }
        if (frameworks != null) {
            args.add("--frameworks=" + frameworks);
        }
        Method run;
        try {
            Class<?> benchMain = Class.forName(BENCH_MAIN);
            run = benchMain.getMethod("run", String[].class, PrintStream.class, PrintStream.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            main.err.println("brigade: the bench is not on the class path (" + BENCH_MAIN + ": " + e + ");"
                    + " it ships in the brigade-bench jar: rebuild the distribution with"
                    + " 'mvn -B -DskipTests install -pl brigade-dist -am' and run ./brigade again");
            return Main.FAILED;
        }
        try {
            return (Integer) run.invoke(null, args.toArray(String[]::new), main.out, main.err);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}

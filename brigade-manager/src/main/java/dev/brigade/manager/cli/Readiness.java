package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppSpec;
import dev.brigade.manager.daemon.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/*
 * A command that starts processes (start, restart, reload, scale) tells the truth: it returns once
 * every instance serves, and fails (exit code 1) naming why one does not. "Serves" is:
 * - cluster mode: the worker listens on the declared port (the agent adopted the socket);
 * - fork mode: the instance has stayed up for the app's min uptime (PM2's min_uptime), since a
 *   process that is still up after a second has at least got past its start-up.
 * An instance has failed as soon as it is errored (crash loop), serves another port than the
 * declared one, or crashed after the command acted (its crash count went up: an exit nobody asked for): a
 * crash during start-up is reported at once, with its last lines, instead of after a timeout. The
 * wait is bounded by the app's listen timeout (plus its min uptime), after which the instances not
 * serving yet are reported. The daemon is polled (every 200 ms, a CLI's latency, not a test's
 * synchronisation): the protocol has no event stream, and a poll sees exactly what `ls` would.
 */
/** {@code --no-wait}, and waiting until the apps a command acted on serve (a picocli mixin). */
final class Readiness {
    private static final long POLL_MS = 200;
    private static final long MARGIN_MS = 5_000;

    @Option(names = "--no-wait", description = "return once the daemon has acted, without waiting for every instance to "
            + "listen (cluster mode) or stay up its min uptime (fork mode)")
    boolean noWait;

    /** The apps after the wait, and why each that does not serve does not (app name → causes). */
    record Outcome(List<AppInfo> apps, Map<String, List<String>> failures) {
        boolean ok() {
            return failures.isEmpty();
        }
    }

    /**
     * Waits until every instance of {@code acted} serves or fails; {@code acted} is what the daemon answered
     * once it had acted (its restart counts are the baseline). Returns at once with {@code --no-wait}.
     */
    Outcome await(ManagerCommand c, List<AppInfo> acted) throws ManagerCommand.Failed {
        if (noWait || acted.isEmpty()) {
            return new Outcome(acted, Map.of());
        }
        Map<String, Map<Integer, Integer>> baseline = new HashMap<>();
        long limitMs = 0;
        for (AppInfo a : acted) {
            Map<Integer, Integer> r = new HashMap<>();
            a.instances().forEach(i -> r.put(i.instance(), i.crashes()));
            baseline.put(a.name(), r);
            limitMs = Math.max(limitMs, a.spec().listenTimeoutMs() + a.spec().minUptimeMs() + MARGIN_MS);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        while (true) {
            List<AppInfo> now = new ArrayList<>();
            for (AppInfo a : ManagerCommand.apps(c.request(new Request.ListApps()))) {
                if (baseline.containsKey(a.name())) {
                    now.add(a);
                }
            }
            boolean late = System.nanoTime() >= deadline;
            Map<String, List<String>> failures = new LinkedHashMap<>();
            Set<String> pending = new HashSet<>();
            for (AppInfo a : now) {
                for (AppInfo.InstanceInfo i : a.instances()) {
                    String why = failure(a, i, baseline.get(a.name()).getOrDefault(i.instance(), 0));
                    if (why == null && !serves(a, i)) {
                        if (!late) {
                            pending.add(a.name());
                            continue;
                        }
                        why = notYet(a, i);
                    }
                    if (why != null) {
                        failures.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a.name() + "-" + i.instance() + " " + why
                                + (i.lastLines().isEmpty() ? "" : "; its last lines:"));
                        failures.get(a.name()).addAll(i.lastLines().stream()
                                .skip(Math.max(0, i.lastLines().size() - 8)).map(l -> "  | " + l).toList());
                    }
                }
            }
            // an app that failed is reported at once; the others are waited for (several apps: resurrect, a deployment file)
            pending.removeAll(failures.keySet());
            if (pending.isEmpty()) {
                return new Outcome(now, failures);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(now, Map.of(now.isEmpty() ? "?" : now.get(0).name(), List.of("interrupted while waiting")));
            }
        }
    }

    /** Prints the causes on stderr; returns the exit code. */
    static int report(ManagerCommand c, Outcome o, String done) {
        if (o.ok()) {
            return Main.OK;
        }
        for (Map.Entry<String, List<String>> e : o.failures().entrySet()) {
            c.err().println("brigade: " + e.getKey() + " is not serving after " + done + ":");
            e.getValue().forEach(l -> c.err().println("  " + l));
        }
        return Main.FAILED;
    }

    private static boolean serves(AppInfo a, AppInfo.InstanceInfo i) {
        if (AppSpec.CLUSTER.equals(a.mode())) {
            return "listening".equals(i.status());
        }
        return "online".equals(i.status()) && i.uptimeMs() >= a.spec().minUptimeMs();
    }

    /** Why the instance has failed already, or null; {@code crashesBefore}: its crashes when the command had acted. */
    private static String failure(AppInfo a, AppInfo.InstanceInfo i, int crashesBefore) {
        if (i.problem() != null) {
            return i.problem();
        }
        return switch (i.status()) {
            case "errored" -> "errored (crash loop" + (i.lastExit() != null ? "; last exit: " + i.lastExit() : "") + ")";
            case "stopped", "stopping" -> "was stopped";
            default -> i.crashes() > crashesBefore && !serves(a, i)
                    ? "died " + (AppSpec.CLUSTER.equals(a.mode()) ? "before listening" : "within its min uptime of " + a.spec().minUptimeMs() + " ms")
                    + " (" + i.lastExit() + ")"
                    : null;
        };
    }

    private static String notYet(AppInfo a, AppInfo.InstanceInfo i) {
        return AppSpec.CLUSTER.equals(a.mode())
                ? "has not listened on port " + (a.ports().isEmpty() ? a.spec().port() : a.ports().get(0)) + " within the listen timeout ("
                        + a.spec().listenTimeoutMs() + " ms; status " + i.status() + ")"
                : "has not stayed up " + a.spec().minUptimeMs() + " ms (status " + i.status() + ")";
    }
}

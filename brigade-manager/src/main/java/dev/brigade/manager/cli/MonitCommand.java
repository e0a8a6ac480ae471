package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.DaemonClient;
import dev.brigade.manager.daemon.Listing;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brigade monit}: the {@code ls} table of every app and worker, asked of the daemon every
 * {@code --interval} over one connection, redrawn in place on a terminal (cursor home, the frame
 * with each line cleared to its end, then clear to the end of the screen: no flicker), or printed
 * as plain successive frames when stdout is not a terminal (a pipe, a file, a test).
 */
@Command(name = "monit", mixinStandardHelpOptions = true,
        description = {"A live view of every app and worker, refreshed in place until q or Ctrl-C.",
            "Shows name, id, mode, pid, status, uptime, restarts, cpu and memory of every instance or worker.",
            "When stdout is not a terminal, each refresh is printed as plain lines."},
        footer = {"", "Examples:", "  brigade monit", "  brigade monit --interval 500ms", "  brigade monit --count 3 > snapshot.txt"})
final class MonitCommand extends ManagerCommand {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final String HOME = "\033[H";
    private static final String CLEAR_LINE = "\033[K";
    private static final String CLEAR_BELOW = "\033[J";

    @Option(names = "--interval", paramLabel = "DURATION", description = "time between refreshes: 500ms, 2s, 1m (default 1s; 100ms..1h)")
    String interval = "1s";

    @Option(names = "--count", paramLabel = "N", description = "stop after N refreshes (default: until Ctrl-C)")
    String count;

    @Override
    int run() throws Failed {
        long intervalMs = parseInterval(interval);
        if (intervalMs < 0) {
            err().println("brigade: --interval: expected a duration with a unit from 100ms to 1h like 500ms, 2s or 1m"
                    + (interval.trim().matches("\\d+") ? " (a bare number has no unit)" : "") + ", got \"" + interval + "\"");
            return Main.USAGE;
        }
        long frames = Long.MAX_VALUE;
        if (count != null) {
            try {
                frames = Long.parseLong(count.trim());
            } catch (NumberFormatException e) {
                frames = -1;
            }
            if (frames < 1) {
                err().println("brigade: --count: expected a positive integer, got \"" + count + "\"");
                return Main.USAGE;
            }
        }
        boolean ansi = out() == System.out && terminal();
        try (DaemonClient c = connect(); MonitKeys keys = MonitKeys.open(main.in, ansi)) {
            long start = System.nanoTime();
            for (long n = 0; n < frames && !keys.quitting(); n++) {
                if (n > 0) {
                    // fixed rate: a slow frame does not push the next ones back
                    long due = start + TimeUnit.MILLISECONDS.toNanos(intervalMs * n);
                    long wait = due - System.nanoTime();
                    if (wait > 0 && keys.awaitQuit(wait)) {
                        break;
                    }
                }
                Response r = c.send(new Request.ListApps());
                if (r instanceof Response.Failure f) {
                    throw new Failed(f.message());
                }
                frame(apps(r), intervalMs, ansi, keys.hint());
            }
        } catch (IOException e) {
            throw new Failed("the daemon at " + home().socket() + " did not answer (it may have been killed): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }

    private void frame(List<AppInfo> apps, long intervalMs, boolean ansi, String quitHint) {
        var bytes = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int processes = 0;
        int online = 0;
        double cpu = 0;
        long memory = 0;
        for (AppInfo a : apps) {
            for (AppInfo.InstanceInfo i : a.instances()) {
                processes++;
                online += i.pid() != 0 ? 1 : 0;
                cpu += i.cpuPercent();
                memory += i.memoryBytes();
            }
        }
        p.println(String.format(Locale.ROOT, "brigade monit  %s  %d app(s), %d/%d process(es) running, cpu %.0f%%, memory %s  (every %s%s)",
                LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), apps.size(), online, processes, cpu,
                memory == 0 ? "-" : Listing.bytes(memory), every(intervalMs),
                ansi ? quitHint : ""));
        if (apps.isEmpty()) {
            p.println("no apps (start one with 'brigade start')");
        } else {
            p.print(Listing.table(apps));
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (ansi) {
            StringBuilder sb = new StringBuilder(HOME);
            text.lines().forEach(l -> sb.append(l).append(CLEAR_LINE).append('\n'));
            out().print(sb.append(CLEAR_BELOW));
        } else {
            out().print(text);
            out().println();
        }
        out().flush();
    }

    /** The interval as the user would write it: 500ms, 2s, 5m, 1h. */
    static String every(long ms) {
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Milliseconds, or -1 if {@code s} is not a duration in 100 ms..1 h (a bare number, without its unit, is not). */
    static long parseInterval(String s) {
        Matcher m = DURATION.matcher(s == null ? "" : s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
        long ms = switch (m.group(2)) {
            case "ms" -> n;
            case "m" -> n > 60 ? -1 : n * 60_000;
            case "h" -> n > 1 ? -1 : n * 3_600_000;
            default -> n > 3600 ? -1 : n * 1000;
        };
        return ms >= 100 && ms <= 3_600_000 ? ms : -1;
    }

    /** Is stdout a terminal? ({@code System.console()} alone says yes for a pipe on JDK 22+, where isTerminal() tells.) */
    private static boolean terminal() {
        Console c = System.console();
        if (c == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            return (boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only when stdin and stdout are terminals
        }
    }
}

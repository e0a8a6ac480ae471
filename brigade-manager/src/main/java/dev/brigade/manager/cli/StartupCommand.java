package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.DaemonClient;
import dev.brigade.manager.daemon.Home;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/*
 * `brigade startup`: a systemd unit that brings the saved apps back at boot.
 *
 * Which ExecStart? The daemon is started by whichever client needs it, detached (setsid), and
 * writes no PID file. `Type=forking` + `ExecStart=brigade resurrect` would leave systemd guessing
 * the main PID among the daemon and every app in the unit's cgroup, so Restart=on-failure would
 * watch a guess, and resurrect's exit code says nothing about the daemon's later life. Instead the
 * unit runs `brigade run --resurrect` (Type=notify): the main process is the one that owns the apps
 * (run does the daemon's work in the foreground and serves the same control socket, so every other
 * `brigade` command works as usual while the service runs); its exit code means something (0 after
 * `brigade kill` or a stop signal, 1 when every app is down or nothing could start), which is what
 * Restart=on-failure needs. ExecStop is `brigade kill` (the apps stop gracefully, run exits 0);
 * KillMode=mixed sends systemd's own SIGTERM to run only (which stops the apps itself, each within
 * its kill timeout), SIGKILL to whatever is left after TimeoutStopSec.
 *
 * Type=notify, not simple: run speaks systemd's notify protocol (health.SystemdNotifier), so
 * `systemctl start` returns once every saved app serves (READY=1), and units ordered after this one
 * start only then; WatchdogSec=30s has systemd kill and restart (Restart=on-failure) a run whose
 * supervision stopped ticking, which a live but stuck process would otherwise hide. TimeoutStartSec
 * is long: a cold start of several JVM apps, each trained into a class-data archive, takes a while.
 *
 * The commands name this JVM's java and class path, not the ./brigade launcher: the launcher may
 * rebuild the distribution with Maven, which has no place in a boot sequence. So the unit must be
 * written again (brigade startup) after moving the checkout or changing the JDK; it says so. The
 * PATH of the shell that ran `startup` goes into the unit too (as PM2 does), because a saved app
 * may be a bare command name and systemd's default PATH is minimal; so do the other variables
 * Brigade reads (CARRIED: BRIGADE_CACHE, JAVA_HOME...), or the service would train and look up its
 * class-data archives in another cache than the shell's brigade, and find other JDKs.
 *
 * It never runs systemctl: it prints the commands.
 */
/** {@code brigade startup}: writes a systemd unit that runs the saved apps at boot, and says what to run next. */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = {"Writes a systemd unit that starts the saved apps at boot; prints the systemctl commands. "
            + "The apps are those of 'brigade save'. A user unit by default "
            + "($XDG_CONFIG_HOME/systemd/user/brigade.service, else ~/.config/...), or a system unit with --system "
            + "(/etc/systemd/system/brigade.service). The service runs 'brigade run --resurrect' in the foreground for "
            + "BRIGADE_HOME (Restart=on-failure; ExecStop 'brigade kill'), with this shell's PATH, JAVA_HOME, BRIGADE_CACHE and "
            + "Brigade's other variables. Prints the unit and the systemctl commands to "
            + "run; it never runs systemctl itself. Running it again with nothing changed reports \"unchanged\"."},
        footer = {"", "Examples:", "  brigade save && brigade startup", "  brigade startup --dry-run", "  brigade startup --socket web:8080", "  sudo brigade startup --system --home /home/me/.brigade"})
final class StartupCommand extends ManagerCommand {
    static final String UNIT = "brigade.service";
    /** The JVM flags of the service's process: those of the daemon (small and flat), plus native access. */
    static final List<String> JVM_FLAGS = List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED");

    /**
     * The variables of the shell that ran {@code startup} which the service's process reads (or its apps inherit from it, as
     * every app inherits the daemon's environment), copied into the unit when set: systemd starts the service with almost
     * none. PATH, for an app that is a bare command name; JAVA_HOME, for {@code --java 21}; the cache of the class-data
     * archives and its settings; the metrics endpoint; a worker's drain time.
     */
    static final List<String> CARRIED = List.of("PATH", "JAVA_HOME", "BRIGADE_CACHE", "XDG_CACHE_HOME", "BRIGADE_CLASS_DATA_ARCHIVE",
            "BRIGADE_ARCHIVE_CAP_MB", "BRIGADE_ARCHIVE_RECORD_SECONDS", "BRIGADE_METRICS_PORT", "BRIGADE_METRICS_HOST", "BRIGADE_DRAIN_MILLIS");
    /** Those of {@link #CARRIED} that are directories: made absolute (the service's working directory is BRIGADE_HOME). */
    private static final List<String> PATHS = List.of("JAVA_HOME", "BRIGADE_CACHE");

    @Option(names = "--user", description = "a user unit (the default): ~/.config/systemd/user, started by your user manager")
    boolean user;

    @Option(names = "--system", description = "a system unit: /etc/systemd/system (needs root), run as your user")
    boolean system;

    @Option(names = "--socket", paramLabel = "NAME:[ADDRESS:]PORT",
            description = "systemd socket activation: also write brigade-NAME.socket, which binds PORT (on every interface, or ADDRESS) "
                    + "and passes it to the service; 'brigade run' hands it to the saved app declaring that port (or named NAME), "
                    + "so the port stays open while the service restarts (repeatable)")
    List<String> socketSpecs = new ArrayList<>();

    @Option(names = "--dry-run", description = "print the unit and where it would go; write nothing")
    boolean dryRun;

    /** The environment; package-private so that a test could replace it (the tests run it as a process instead). */
    Map<String, String> env = System.getenv();

    @Override
    int run() throws Failed {
        if (user && system) {
            err().println("brigade startup: --user and --system exclude each other");
            return Main.USAGE;
        }
        Home home = home();
        List<SocketUnits.Socket> sockets = SocketUnits.parseAll(socketSpecs);
        Path dir = system ? Path.of("/etc/systemd/system") : userUnitDir();
        String account = env.getOrDefault("SUDO_USER", System.getProperty("user.name"));
        Map<Path, String> files = new java.util.LinkedHashMap<>(); // the sockets first: the service names them
        for (SocketUnits.Socket s : sockets) {
            files.put(dir.resolve(s.unitName()), SocketUnits.unit(s, home, UNIT));
        }
        files.put(dir.resolve(UNIT), unit(home, account, sockets));
        List<String> next = new ArrayList<>();
        if (DaemonClient.tryConnect(home) instanceof DaemonClient c) {
            try (c) {
                next.add("brigade kill --home " + home.dir() + "   # a daemon runs for this home: the service will own its apps");
            } catch (IOException ignored) {
                // closing a probe
            }
        }
        String ctl = system ? "sudo systemctl" : "systemctl --user";
        next.add(ctl + " daemon-reload");
        if (!sockets.isEmpty()) {
            next.add(ctl + " enable --now " + SocketUnits.names(sockets) + "   # systemd binds the ports now");
        }
        next.add(ctl + " enable --now " + UNIT);
        if (!system) {
            next.add("loginctl enable-linger " + account + "   # start it at boot, not at your first login");
        }
        next.add(ctl + " status " + UNIT);

        boolean first = true;
        for (Map.Entry<Path, String> f : files.entrySet()) {
            if (!first) {
                out().println();
            }
            first = false;
            write(f.getKey(), f.getValue(), home);
        }
        for (String stale : staleSockets(dir, sockets)) {
            out().println();
            out().println("note: " + dir.resolve(stale) + " is left from an earlier 'brigade startup --socket' and no longer used: "
                    + ctl + " disable --now " + stale + " and remove it");
        }
        out().println();
        if (!Files.exists(home.dump())) {
            out().println("note: " + home.dump() + " does not exist yet: start your apps, then run 'brigade save' (the service resurrects what was saved)");
        }
        out().println(dryRun ? "then run:" : "now run:");
        next.forEach(l -> out().println("  " + l));
        return Main.OK;
    }

    /** Writes {@code content} to {@code unitFile} (atomically; not if unchanged; nothing with --dry-run), and prints it. */
    private void write(Path unitFile, String content, Home home) throws Failed {
        String existing = null;
        try {
            if (Files.isRegularFile(unitFile)) {
                existing = Files.readString(unitFile, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            existing = null; // unreadable: written again below (or the write says why not)
        }
        if (dryRun) {
            out().println("dry run: would " + (existing == null ? "write " : content.equals(existing) ? "leave unchanged " : "update ")
                    + unitFile + " (nothing written):");
            out().println();
            out().print(content);
        } else if (content.equals(existing)) {
            out().println("unchanged: " + unitFile);
        } else {
            try {
                Files.createDirectories(unitFile.getParent());
                Path tmp = unitFile.resolveSibling("." + unitFile.getFileName() + ".tmp");
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                Files.move(tmp, unitFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AccessDeniedException e) {
                throw new Failed("cannot write " + unitFile + ": permission denied on " + e.getFile()
                        + (system ? " (a system unit needs root: sudo brigade startup --system --home " + home.dir() + ")" : ""));
            } catch (IOException e) {
                throw new Failed("cannot write " + unitFile + ": " + e);
            }
            out().println((existing == null ? "wrote " : "updated ") + unitFile + ":");
            out().println();
            out().print(content);
        }
    }

    /** The brigade-*.socket units in {@code dir} that {@code sockets} no longer has. */
    private static List<String> staleSockets(Path dir, List<SocketUnits.Socket> sockets) {
        List<String> current = sockets.stream().map(SocketUnits.Socket::unitName).toList();
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("brigade-") && n.endsWith(".socket"))
                    .filter(n -> !current.contains(n)).sorted().toList();
        } catch (IOException e) {
            return List.of(); // no directory yet: nothing left over
        }
    }

    /** {@code $XDG_CONFIG_HOME/systemd/user}, else {@code ~/.config/systemd/user} (a relative XDG_CONFIG_HOME is ignored, as the spec says). */
    Path userUnitDir() {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return config.resolve("systemd").resolve("user");
    }

    String unit(Home home, String account, List<SocketUnits.Socket> sockets) {
        List<String> brigade = new ArrayList<>();
        brigade.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        brigade.addAll(JVM_FLAGS);
        brigade.addAll(List.of("-cp", classPath(), Main.class.getName()));
        StringBuilder u = new StringBuilder();
        u.append("# Written by 'brigade startup'. It names this java and this class path: run 'brigade startup' again\n")
                .append("# after moving Brigade or changing the JDK. The service runs the apps saved by 'brigade save' in\n")
                .append("# BRIGADE_HOME, in the foreground ('brigade run --resurrect'); other brigade commands talk to it.\n")
                .append("[Unit]\n")
                .append("Description=Brigade: the apps saved in ").append(home.dir()).append('\n');
        if (system) {
            u.append("Wants=network-online.target\nAfter=network-online.target\n");
        }
        u.append(SocketUnits.unitSection(sockets));
        u.append("\n[Service]\n").append("Type=notify\n").append("WatchdogSec=30s\n").append("TimeoutStartSec=300s\n");
        u.append(SocketUnits.serviceSection(sockets));
        if (system) {
            u.append("User=").append(account).append('\n');
        }
        u.append("WorkingDirectory=").append(quote(home.dir().toString())).append('\n')
                .append("Environment=").append(quote("BRIGADE_HOME=" + home.dir())).append('\n');
        for (String name : CARRIED) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                if (PATHS.contains(name) && !Path.of(value).isAbsolute()) {
                    value = Path.of("").toAbsolutePath().resolve(value).normalize().toString(); // the unit runs elsewhere
                }
                u.append("Environment=").append(quote(name + "=" + value)).append('\n');
            }
        }
        u.append("ExecStart=").append(command(brigade, "run", "--resurrect")).append('\n')
                .append("ExecStop=").append(command(brigade, "kill")).append('\n')
                .append("Restart=on-failure\n")
                .append("RestartSec=2s\n")
                .append("KillMode=mixed\n")
                .append("TimeoutStopSec=60s\n")
                .append("\n[Install]\n")
                .append("WantedBy=").append(system ? "multi-user.target" : "default.target").append('\n');
        return u.toString();
    }

    private static String command(List<String> brigade, String... args) {
        List<String> all = new ArrayList<>(brigade);
        all.addAll(List.of(args));
        return all.stream().map(StartupCommand::quote).collect(Collectors.joining(" "));
    }

    /** This JVM's class path; every jar of one directory (the distribution's lib) as {@code DIR/*}. */
    static String classPath() {
        List<Path> entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty()).map(e -> Path.of(e).toAbsolutePath().normalize()).toList();
        if (entries.size() > 1 && entries.stream().allMatch(e -> e.toString().endsWith(".jar"))
                && entries.stream().map(Path::getParent).distinct().count() == 1) {
            return entries.get(0).getParent() + "/*";
        }
        return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /** One word of a systemd command line or assignment: quoted when needed; % and $ escaped (systemd expands them). */
    static String quote(String word) {
        String w = word.replace("%", "%%").replace("$", "$$");
        if (!w.isEmpty() && w.chars().noneMatch(ch -> Character.isWhitespace(ch) || ch == '"' || ch == '\'' || ch == '\\' || ch == ';')) {
            return w;
        }
        return "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

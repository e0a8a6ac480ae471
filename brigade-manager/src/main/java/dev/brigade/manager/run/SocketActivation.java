package dev.brigade.manager.run;

import dev.brigade.cluster.internal.InheritedListeners;
import dev.brigade.cluster.internal.Listeners;
import dev.brigade.manager.daemon.AppSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * systemd socket activation for {@code brigade run} (sd_listen_fds(3)): the listening sockets systemd
 * (or any launcher speaking the protocol) passed as descriptors 3, 4, ... are handed to the apps'
 * workers as their declared ports instead of being bound, so that a port outlives a restart of
 * Brigade itself: systemd holds the socket, and connections arriving while no Brigade runs wait in
 * its queue.
 *
 * <p>The protocol: {@code LISTEN_PID} must be this process (a variable inherited by mistake from a
 * parent is ignored, with a debug line, as systemd specifies), {@code LISTEN_FDS} counts the
 * descriptors from 3, {@code LISTEN_FDNAMES} names them, colon-separated ({@code FileDescriptorName=}).
 * Every descriptor must be a listening TCP socket: anything else is a configuration error, reported
 * before any app starts. The variables are never passed on (workers and fork-mode instances get an
 * environment without them); the JVM's own environment cannot be changed, so that is done where
 * children's environments are built.
 *
 * <p>Matching a socket to an app: by name ({@code --port NAME}, or an app whose name is the
 * socket's name), else by the port it is bound to equal to the app's declared port (done by the
 * cluster for every app, including resurrected ones: {@link InheritedListeners}). A socket no app
 * takes is reported once, by {@link #unused}.
 */
public final class SocketActivation {
    private static final System.Logger LOG = System.getLogger("dev.brigade.manager.run");
    private static final int MAX_FDS = 1024;

    /**
     * A socket passed to this process.
     *
     * @param fd   its descriptor (3 and up)
     * @param name its name in {@code LISTEN_FDNAMES} ({@code "unknown"} when none was given, as systemd says)
     * @param host the address it is bound to
     * @param port the port it is bound to
     */
    public record Passed(int fd, String name, String host, int port) {
        /** {@code fd 3 (name "web", 127.0.0.1:8080)}, for messages. */
        public String describe() {
            return "fd " + fd + " (name \"" + name + "\", " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + ")";
        }
    }

    private final List<Passed> sockets;

    private SocketActivation(List<Passed> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    /** No socket passed. */
    public static SocketActivation none() {
        return new SocketActivation(List.of());
    }

    /**
     * Reads the protocol's variables and adopts the sockets they announce.
     *
     * @param env this process's environment
     * @param pid this process's id
     * @throws IllegalArgumentException naming the variable or the descriptor at fault and what is valid
     */
    public static SocketActivation fromEnvironment(Map<String, String> env, long pid) {
        String listenPid = env.get("LISTEN_PID");
        String listenFds = env.get("LISTEN_FDS");
        if (listenPid == null || listenFds == null) {
            return none();
        }
        long forPid = number("LISTEN_PID", listenPid, Long.MAX_VALUE);
        if (forPid != pid) {
            LOG.log(System.Logger.Level.DEBUG, "LISTEN_PID=" + listenPid + " is not this process (" + pid
                    + "): the sockets were meant for another process; ignored");
            return none();
        }
        int n = (int) number("LISTEN_FDS", listenFds, MAX_FDS);
        String names = env.get("LISTEN_FDNAMES");
        String[] name = names == null || names.isEmpty() ? new String[0] : names.split(":", -1);
        if (names != null && !names.isEmpty() && name.length != n) {
            throw new IllegalArgumentException("LISTEN_FDNAMES names " + name.length + " socket(s) (\"" + names
                    + "\") but LISTEN_FDS is " + n + ": give one name per descriptor, colon-separated");
        }
        List<Passed> passed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int fd = 3 + i;
            String nm = i < name.length && !name[i].isEmpty() ? name[i] : "unknown";
            try {
                Listeners.Listener l = InheritedListeners.adopt(fd);
                passed.add(new Passed(fd, nm, l.host(), l.port()));
            } catch (IOException e) {
                throw new IllegalArgumentException("fd " + fd + " (name \"" + nm + "\") of LISTEN_FDS=" + n + " " + e.getMessage()
                        + ": brigade run takes listening TCP sockets only (a .socket unit's ListenStream= with a port or address:port)");
            }
        }
        return new SocketActivation(passed);
    }

    /** The sockets passed, in descriptor order. */
    public List<Passed> sockets() {
        return sockets;
    }

    /** The socket named {@code name}, or null. */
    public Passed named(String name) {
        return sockets.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** The names passed, for messages: {@code "web", "admin"}, or "none". */
    public String names() {
        return sockets.isEmpty() ? "none" : String.join(", ", sockets.stream().map(s -> "\"" + s.name() + "\"").toList());
    }

    /**
     * Gives each app named like a socket that socket's address as its declared port (a Java app then
     * runs in cluster mode, its workers sharing the socket). An app that is not Java cannot take a
     * socket (fork-mode instances get no descriptors): it is left as it is, with a warning.
     *
     * @param warn receives one line per app that could not take its socket
     */
    public List<AppSpec> assignByName(List<AppSpec> specs, java.util.function.Consumer<String> warn) {
        List<AppSpec> out = new ArrayList<>();
        for (AppSpec s : specs) {
            Passed p = named(s.name());
            if (p == null || (s.port() == p.port() && sameOrAny(s.host(), p.host()))) {
                out.add(s);
            } else if (s.java() == null) {
                warn.accept(p.describe() + " is named like the app " + s.name() + ", which is not a Java app: only cluster mode "
                        + "(a jar or a main class) can hand a socket to its instances");
                out.add(s);
            } else {
                out.add(new AppSpec(s.name(), s.kind(), s.command(), s.cwd(), s.instances(), s.env(), p.port(), s.maxMemoryBytes(),
                        s.killTimeoutMs(), s.listenTimeoutMs(), s.maxRestarts(), s.restartDelayMs(), AppSpec.CLUSTER, s.java(),
                        p.host(), s.minUptimeMs(), s.standby()));
            }
        }
        return out;
    }

    /** One line per socket no app took (call once the apps have started). */
    public List<String> unused() {
        return sockets.stream().filter(s -> !InheritedListeners.taken(s.fd()))
                .map(s -> s.describe() + " was passed by systemd but no app takes it (match: --port " + s.name()
                        + ", an app named " + s.name() + ", or an app declaring port " + s.port() + "); it stays unused")
                .toList();
    }

    private static boolean sameOrAny(String declared, String bound) {
        return declared == null || declared.equals("*") || declared.equals(bound);
    }

    private static long number(String variable, String value, long max) {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(variable + " must be a number in 0.." + max + ", got \"" + value + "\"");
    }
}

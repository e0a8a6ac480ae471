package dev.brigade.agent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The contract between a cluster's primary and the agent in each worker JVM. Stable: the primary
 * (brigade-cluster) writes it, the agent reads it; change both ends together or not at all.
 *
 * <h2>Primary → worker: {@value #ENV_LISTEN_FDS}</h2>
 * A comma-separated list of {@code fd=host:port}, e.g. {@code 3=0.0.0.0:8080,4=127.0.0.1:8443}:
 * descriptor {@code fd} of the worker is a socket that is already bound to {@code host:port}
 * and listening. {@code host} is an IP literal or a name, {@code *}, {@code 0.0.0.0} or
 * {@code ::} for every address; an IPv6 host may be bracketed ({@code 3=[::1]:8080}); the port
 * is the one actually bound (never 0). An empty value declares no port.
 * <p>A bind in the worker (ServerSocketChannel, ServerSocket, AsynchronousServerSocketChannel)
 * <b>adopts</b> the first not yet adopted entry whose port equals the requested port and whose
 * host equals the requested host, a wildcard on either side matching anything. A request for
 * port 0 never matches. A bind on a non-zero port that no entry declares gets SO_REUSEPORT and
 * one warning line on stderr (see {@link #reusePortWarning}). Without the variable the agent does
 * nothing at all.
 *
 * <h2>Worker → primary: {@value #ENV_NOTIFY_FD}</h2>
 * If set to a descriptor number (a pipe's write end the primary handed down), every adoption
 * writes one line, in one {@code write}, {@code BRIGADE_LISTENING <port>\n} (see
 * {@link #notice(int)}), after the socket was adopted. Binds that fall back to SO_REUSEPORT write
 * nothing. Write errors (the primary closed its end) are ignored.
 *
 * <h2>Optional: {@value #ENV_REWRITES}</h2>
 * A file in a directory private to the user where the agent keeps the JDK classes it rewrote, so that the next
 * worker on the same JDK takes them from there instead of rewriting them again (its format is the agent's own).
 */
public final class ListenContract {
    /** The inherited listening sockets: {@code fd=host:port[,fd=host:port...]}. */
    public static final String ENV_LISTEN_FDS = "BRIGADE_LISTEN_FDS";
    /** The descriptor adoption notices are written to. */
    public static final String ENV_NOTIFY_FD = "BRIGADE_NOTIFY_FD";
    /** The file the agent keeps its rewritten JDK classes in (optional). */
    public static final String ENV_REWRITES = "BRIGADE_AGENT_REWRITES";
    /** The first word of an adoption notice. */
    public static final String NOTICE = "BRIGADE_LISTENING";

    private ListenContract() {
    }

    /**
     * One inherited socket: descriptor {@code fd} is bound to {@code host:port}.
     *
     * @param fd   the inherited descriptor, 3 or more
     * @param host the address it is bound to ({@code *} for every interface)
     * @param port the port, 1..65535
     */
    public record Entry(int fd, String host, int port) {
        /** Validates the entry; an empty host means every interface. */
        public Entry {
            if (fd < 3) {
                throw new IllegalArgumentException(ENV_LISTEN_FDS + ": descriptor must be >= 3, got " + fd);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(ENV_LISTEN_FDS + ": port must be in 1..65535, got " + port);
            }
            host = host.isEmpty() ? "*" : host;
        }

        /**
         * Whether a bind of {@code requested} should adopt this socket (port 0 never does).
         *
         * @param requested the address the app binds
         * @return true if the app's bind takes this socket
         */
        public boolean matches(InetSocketAddress requested) {
            if (requested == null || requested.getPort() != port || requested.isUnresolved()) {
                return false;
            }
            InetAddress want = requested.getAddress();
            if (isWildcard(host) || want.isAnyLocalAddress()) {
                return true;
            }
            try {
                return InetAddress.getByName(host).equals(want);
            } catch (UnknownHostException e) {
                return false;
            }
        }

        /**
         * This entry as written in {@value #ENV_LISTEN_FDS}.
         *
         * @return {@code fd=host:port}
         */
        public String format() {
            return fd + "=" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Parses a {@value #ENV_LISTEN_FDS} value.
     *
     * @param value the variable's value ({@code fd=host:port,...}); null or blank for none
     * @return the entries, in order
     * @throws IllegalArgumentException naming the variable and the malformed entry
     */
    public static List<Entry> parse(String value) {
        List<Entry> entries = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return entries;
        }
        for (String raw : value.split(",")) {
            String item = raw.trim();
            int eq = item.indexOf('=');
            int colon = item.lastIndexOf(':');
            if (eq < 1 || colon < eq) {
                throw new IllegalArgumentException(ENV_LISTEN_FDS + ": expected fd=host:port, got \"" + item + "\" in \"" + value + "\"");
            }
            String host = item.substring(eq + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                entries.add(new Entry(Integer.parseInt(item.substring(0, eq).trim()), host.trim(),
                        Integer.parseInt(item.substring(colon + 1).trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(ENV_LISTEN_FDS + ": expected fd=host:port with numbers, got \"" + item + "\"", e);
            }
        }
        return entries;
    }

    /**
     * Formats entries as a {@value #ENV_LISTEN_FDS} value.
     *
     * @param entries the sockets
     * @return the variable's value
     */
    public static String format(List<Entry> entries) {
        return String.join(",", entries.stream().map(Entry::format).toList());
    }

    /**
     * The notice line for an adopted port, without the trailing newline.
     *
     * @param port the adopted port
     * @return the line
     */
    public static String notice(int port) {
        return NOTICE + " " + port;
    }

    /**
     * The port of a notice line, or empty if the line is not one.
     *
     * @param line a line read from the notify descriptor
     * @return the port it announces
     */
    public static OptionalInt parseNotice(String line) {
        String[] words = line.trim().split(" ");
        if (words.length != 2 || !words[0].equals(NOTICE)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(words[1]));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * The one line printed on stderr when a bind on an undeclared port falls back to SO_REUSEPORT.
     *
     * @param requested the address the app bound
     * @param declared  the value of {@value #ENV_LISTEN_FDS}, or null
     * @return the warning
     */
    public static String reusePortWarning(InetSocketAddress requested, String declared) {
        return String.format(Locale.ROOT, "brigade-agent: WARNING port %d (%s) is not declared to the cluster (%s=%s): "
                + "bound with SO_REUSEPORT, so this worker has its own accept queue and a reload or a dying worker can drop "
                + "the connections queued on it; declare the port to share one queue",
                requested.getPort(), requested, ENV_LISTEN_FDS, declared == null ? "" : declared);
    }

    static boolean isWildcard(String host) {
        return host.equals("*") || host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }
}

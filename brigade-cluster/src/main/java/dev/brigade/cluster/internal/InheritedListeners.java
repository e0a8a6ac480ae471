package dev.brigade.cluster.internal;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Listening sockets this process was given already bound (systemd socket activation: descriptors
 * 3.. with {@code LISTEN_FDS}), offered to every cluster of the process in place of binding.
 *
 * <p>Why a process-wide registry and not a setting of each cluster: descriptors belong to the
 * process, not to one cluster, and an app may be stopped and started again (a new cluster) many
 * times while the inherited socket lives on. So {@link Ports#bindAll} asks here first: a declared
 * address that an adopted socket serves gets a duplicate of it (close-on-exec, closed with the
 * cluster), and the adopted descriptor itself stays open for the next cluster. Since the socket is
 * shared with the process that passed it (systemd keeps its copy), it keeps queueing connections
 * while no cluster serves it, even across a restart of this whole process; that is the point of
 * socket activation, and why {@link PortGate} never makes such a socket refuse connections.
 */
public final class InheritedListeners {
    /** systemd's variables (sd_listen_fds(3)): read once by whoever adopts, and never passed on to children. */
    public static final List<String> SYSTEMD_VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    private static final Libc S = Libc.INSTANCE;
    private static final int SOCK_DGRAM = 2;
    /** Adopted sockets by descriptor, and whether a cluster took one; process-wide, as descriptors are. */
    private static final Map<Integer, Adopted> ADOPTED = new ConcurrentHashMap<>();

    private record Adopted(Listeners.Listener listener, AtomicBoolean taken) {
    }

    private InheritedListeners() {
    }

    /**
     * Checks that {@code fd} is a listening TCP socket, marks it close-on-exec (as sd_listen_fds does:
     * nothing else this process starts inherits it) and offers it to the clusters declaring its address.
     *
     * @return the socket and the address it is bound to ({@code getsockname})
     * @throws IOException saying what the descriptor is instead (not open, not a socket, a Unix or a
     *                     datagram socket, a TCP socket that does not listen)
     */
    public static Listeners.Listener adopt(int fd) throws IOException {
        int domain = option(fd, Libc.SO_DOMAIN);
        int type = option(fd, Libc.SO_TYPE);
        if (domain == Libc.AF_UNIX) {
            throw new IOException("is a Unix domain socket, not a TCP one");
        }
        if (domain != Libc.AF_INET && domain != Libc.AF_INET6) {
            throw new IOException("is a socket of address family " + domain + ", not a TCP one");
        }
        if (type != Libc.SOCK_STREAM) {
            throw new IOException(type == SOCK_DGRAM ? "is a datagram (UDP) socket, not a TCP one" : "is a socket of type " + type + ", not a TCP one");
        }
        if (option(fd, Libc.SO_ACCEPTCONN) == 0) {
            throw new IOException("is a TCP socket that is not listening");
        }
        byte[] sa = new byte[28];
        IntByReference len = new IntByReference(sa.length);
        if (S.getsockname(fd, sa, len) != 0) {
            throw new IOException("getsockname failed: " + error());
        }
        int port = ((sa[2] & 0xff) << 8) | (sa[3] & 0xff);
        byte[] ip = domain == Libc.AF_INET ? Arrays.copyOfRange(sa, 4, 8) : Arrays.copyOfRange(sa, 8, 24);
        String host = InetAddress.getByAddress(ip).getHostAddress();
        if (S.fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC) != 0) {
            throw new IOException("cannot mark it close-on-exec: " + error());
        }
        Listeners.Listener l = new Listeners.Listener(fd, host, port, true);
        ADOPTED.put(fd, new Adopted(l, new AtomicBoolean()));
        return l;
    }

    /** True once a cluster has taken the adopted socket {@code fd} (to report the ones no app uses). */
    public static boolean taken(int fd) {
        Adopted a = ADOPTED.get(fd);
        return a != null && a.taken().get();
    }

    /**
     * A duplicate of the adopted socket serving {@code host:port} for a cluster to own and close, or
     * null. Port 0 never matches (it asks for a fresh port); host "*" matches any address, otherwise the
     * addresses must be equal.
     */
    static Listeners.Listener take(String host, int port) throws IOException {
        if (port == 0) {
            return null;
        }
        for (Adopted a : ADOPTED.values()) {
            Listeners.Listener l = a.listener();
            if (l.port() == port && sameHost(host, l.host())) {
                int dup = S.fcntl(l.fd(), Libc.F_DUPFD_CLOEXEC, 3);
                if (dup < 0) {
                    throw new IOException("cannot duplicate the inherited socket " + l.fd() + ": " + error());
                }
                a.taken().set(true);
                return new Listeners.Listener(dup, l.host(), l.port(), true);
            }
        }
        return null;
    }

    private static boolean sameHost(String declared, String bound) {
        if (declared == null || declared.isEmpty() || declared.equals("*")) {
            return true;
        }
        try {
            return InetAddress.getByName(declared).equals(InetAddress.getByName(bound));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int option(int fd, int name) throws IOException {
        IntByReference value = new IntByReference();
        IntByReference len = new IntByReference(4);
        if (S.getsockopt(fd, Libc.SOL_SOCKET, name, value, len) != 0) {
            int errno = Native.getLastError();
            throw new IOException(switch (errno) {
                case 9 -> "is not an open descriptor";
                case 88 -> "is not a socket";
                default -> "cannot be inspected: " + S.strerror(errno) + " (errno " + errno + ")";
            });
        }
        return value.getValue();
    }

    private static String error() {
        int errno = Native.getLastError();
        return S.strerror(errno) + " (errno " + errno + ")";
    }
}

package dev.brigade.cluster.internal;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Binds the cluster's declared ports, once, in the primary (DESIGN.md decision 2).
 *
 * <p>Why natively and not with a {@code ServerSocketChannel}: the primary must hand the
 * listening descriptor's number to {@link Spawner}, and the JDK does not expose it. The socket is
 * created CLOEXEC (nothing else the primary starts inherits it; the spawner dup2s it into each
 * worker, which clears the flag there), with SO_REUSEADDR so a restarted primary can bind again
 * while old connections sit in TIME_WAIT, and never accepted on here: only workers accept.
 * One socket means one accept queue, so a worker that dies or drains loses no queued connection.
 */
public final class Listeners {
    private static final Libc S = Libc.INSTANCE;
    private static final int BACKLOG = 4096; // the kernel caps it at net.core.somaxconn
    private static final int EINVAL = 22;

    /**
     * A bound, listening socket owned by the primary.
     *
     * @param inherited a duplicate of a socket this process inherited already listening (systemd socket
     *                  activation, {@link InheritedListeners}): never made to refuse connections, since the
     *                  socket is shared with whoever passed it and must keep queueing for the next process
     */
    public record Listener(int fd, String host, int port, boolean inherited) {
        /** A socket the primary bound itself. */
        public Listener(int fd, String host, int port) {
            this(fd, host, port, false);
        }

        /** The {@code BRIGADE_LISTEN_FDS} entry for this socket as the worker's descriptor {@code workerFd}. */
        public String describe(int workerFd) {
            return workerFd + "=" + host + ":" + port;
        }
    }

    private Listeners() {
    }

    /**
     * Binds and listens on {@code host:port} (port 0: the kernel picks one; host "*" or "0.0.0.0":
     * every IPv4 address, "::" every address).
     *
     * @throws IOException naming the address and the reason (e.g. "Address already in use")
     */
    public static Listener bind(String host, int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IOException("port must be between 0 and 65535, got " + port);
        }
        InetAddress address = resolve(host);
        boolean v6 = address instanceof Inet6Address;
        int fd = S.socket(v6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot create a socket for " + host + ":" + port + ": " + error());
        }
        try {
            S.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, new IntByReference(1), 4);
            byte[] sa = v6 ? sockaddr6((Inet6Address) address, port) : sockaddr4((Inet4Address) address, port);
            if (S.bind(fd, sa, sa.length) != 0) {
                throw new IOException("cannot bind " + host + ":" + port + ": " + error());
            }
            if (S.listen(fd, BACKLOG) != 0) {
                throw new IOException("cannot listen on " + host + ":" + port + ": " + error());
            }
            return new Listener(fd, host, boundPort(fd, v6));
        } catch (IOException | RuntimeException e) {
            S.close(fd);
            throw e;
        }
    }

    /**
     * Stops listening without closing: connections queued are reset and new ones refused, instead of
     * waiting in a queue that no worker takes from. Linux: {@code connect(AF_UNSPEC)} on a listening
     * socket moves it to CLOSE; the descriptor (and the workers' copies of it) stays valid, and
     * {@link #resume} makes the same socket listen again.
     */
    public static void refuse(Listener l) throws IOException {
        byte[] unspec = new byte[16]; // sa_family AF_UNSPEC (0)
        if (S.connect(l.fd(), unspec, unspec.length) != 0) {
            throw new IOException("cannot stop listening on " + l.host() + ":" + l.port() + ": " + error());
        }
    }

    /**
     * Listens again after {@link #refuse}. A port the kernel picked (declared 0) was released when the
     * socket stopped listening (getsockname still shows it), so it is bound again first: the same port,
     * unless another process took it meanwhile. A port bound explicitly stayed bound (EINVAL).
     */
    public static void resume(Listener l) throws IOException {
        InetAddress address = resolve(l.host());
        boolean v6 = address instanceof Inet6Address;
        byte[] sa = v6 ? sockaddr6((Inet6Address) address, l.port()) : sockaddr4((Inet4Address) address, l.port());
        if (S.bind(l.fd(), sa, sa.length) != 0 && Native.getLastError() != EINVAL) {
            throw new IOException("cannot bind " + l.host() + ":" + l.port() + " again: " + error());
        }
        if (S.listen(l.fd(), BACKLOG) != 0) {
            throw new IOException("cannot listen on " + l.host() + ":" + l.port() + " again: " + error());
        }
    }

    /** Closes a listener; idempotence is the caller's business (each listener is closed once). */
    public static void close(Listener l) {
        S.close(l.fd());
    }

    private static InetAddress resolve(String host) throws UnknownHostException {
        if (host == null || host.isEmpty() || host.equals("*")) {
            return InetAddress.getByName("0.0.0.0");
        }
        return InetAddress.getByName(host);
    }

    private static int boundPort(int fd, boolean v6) throws IOException {
        byte[] sa = new byte[v6 ? 28 : 16];
        IntByReference len = new IntByReference(sa.length);
        if (S.getsockname(fd, sa, len) != 0) {
            throw new IOException("getsockname failed: " + error());
        }
        return ((sa[2] & 0xff) << 8) | (sa[3] & 0xff);
    }

    private static byte[] sockaddr4(Inet4Address a, int port) {
        byte[] sa = new byte[16];
        sa[0] = (byte) Libc.AF_INET; // sa_family is host order (little-endian on x86_64/aarch64)
        sa[2] = (byte) (port >> 8);     // the port is network order
        sa[3] = (byte) port;
        System.arraycopy(a.getAddress(), 0, sa, 4, 4);
        return sa;
    }

    private static byte[] sockaddr6(Inet6Address a, int port) {
        byte[] sa = new byte[28];
        sa[0] = (byte) Libc.AF_INET6;
        sa[2] = (byte) (port >> 8);
        sa[3] = (byte) port;
        System.arraycopy(a.getAddress(), 0, sa, 8, 16);
        int scope = a.getScopeId();
        sa[24] = (byte) scope;
        sa[25] = (byte) (scope >> 8);
        sa[26] = (byte) (scope >> 16);
        sa[27] = (byte) (scope >> 24);
        return sa;
    }

    private static String error() {
        int errno = Native.getLastError();
        return S.strerror(errno) + " (errno " + errno + ")";
    }
}

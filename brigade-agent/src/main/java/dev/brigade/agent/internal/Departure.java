package dev.brigade.agent.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A leaving worker stops taking connections from the shared sockets, before its app is told
 * anything, without touching the shared socket itself; then it waits for the connections it
 * already accepted to be closed ({@link Hooks#LEAVE}).
 *
 * <h2>Why not the obvious ways</h2>
 * The listening socket is one open file description shared by the primary and every worker.
 * {@code shutdown(2)} or {@code listen(0)} on it would act on that description, so on every
 * process (a shut-down listener wakes and fails every acceptor, everywhere). Closing the app's
 * channel is the app's business (and an app's close path may close or reset what it just
 * accepted, which is the very failure this avoids). What is private to this process is its
 * descriptor table and its epoll sets.
 *
 * <h2>What it does, at the syscall level</h2>
 * A <b>decoy</b> is bound: a listening TCP socket on an ephemeral loopback port, non-blocking,
 * which nobody connects to. For each descriptor {@code N} of this process that refers to a shared
 * socket ({@link Binder} recorded them when it adopted or handed them out):
 * <ol>
 *   <li>every epoll set of this process that watches {@code N} (found in
 *       {@code /proc/self/fdinfo}) drops it: {@code epoll_ctl(DEL, N)}. epoll keys a registration
 *       by the open file <i>and</i> the number; once {@code N} means another file, that
 *       registration could no longer be removed, and it would keep reporting the shared queue as
 *       ready (the selector would spin on empty accepts until the app closes it);</li>
 *   <li>{@code dup2(decoy, N)}: the number now means the decoy. The shared socket is untouched: its
 *       queue, its flags and every other process's acceptors carry on;</li>
 *   <li>each of those epoll sets watches {@code N} again, with the same events: the app's selector
 *       (JDK NIO, Netty's epoll transport: both keep the descriptor as the event's data) stays
 *       consistent, and the decoy never becomes ready.</li>
 * </ol>
 * From then on: a non-blocking accept (selector servers: JDK HttpServer, Netty NIO, Vert.x,
 * Undertow) returns "nothing to accept"; a blocking JDK accept (Jetty, Tomcat, ServerSocket) on
 * the shared socket, which the agent made non-blocking, waits in {@code poll(N)}, and Linux's
 * poll looks {@code N} up again at every wake-up, so a thread already waiting there sees the
 * decoy and keeps waiting. When the app later closes its channel, the JDK closes {@code N}, that
 * is the decoy (a thread still waiting is signalled as usual). A connection accepted just before
 * is the app's, served as any other: that is what the drain waits for.
 *
 * <h2>Keep-alive connections</h2>
 * Then every HTTP/1.x response the app starts on a connection it accepted on a declared port says
 * {@code Connection: close} ({@link Closer}, through the JDK write paths {@link CloseRewriter} rewrites from
 * this moment on): a keep-alive client retires its connection after the response to the request it had
 * sent, so none is left with a request on the wire when the app stops.
 *
 * <h2>The drain</h2>
 * Then it polls, every 10 ms and at most the drain timeout, the TCP connections this process
 * holds whose local port is a declared one (each socket descriptor in {@code /proc/self/fd},
 * {@code getsockname}, {@code SO_ACCEPTCONN}, and the state byte of {@code TCP_INFO}), until
 * none is established or half-closed.
 *
 * <h2>Limits</h2>
 * A connection is done when the app closes it. A keep-alive client that sends nothing during the drain
 * gets no response to carry {@code Connection: close}: it holds the worker until the drain timeout, and
 * what the app's shutdown then does to its connection is the app's (an abrupt one closes it, which the
 * client sees as a failure only if it sends a request at that very moment). Responses written by native
 * code (Netty's epoll and io_uring transports) or over TLS are not edited. A thread blocked in a kernel {@code accept} on a shared
 * socket the app had switched back to blocking mode (never the JDK's own blocking accept, which
 * polls) may take one more connection, which it serves. Linux only (epoll, {@code /proc}); Netty's
 * io_uring transport is not covered.
 */
final class Departure implements Function<Object, Object> {
    private static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    private static final int SOL_SOCKET = 1, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
    private static final int AF_INET = 2, AF_INET6 = 10, IPPROTO_TCP = 6, TCP_INFO = 11;
    private static final int TCP_ESTABLISHED = 1, TCP_CLOSE_WAIT = 8;
    // No static Path: the agent installs this class as it starts, and java.nio.file need not load before a leave.

    /**
     * The JDK's last shutdown slot: after the app's hooks (slot 1, run until every one has returned) and delete-on-exit
     * (2), before the JVM's own exit work.
     */
    private static final int LAST_SHUTDOWN_SLOT = 9;

    private final Binder binder;
    private final CloseRewriter closing;
    private final java.lang.instrument.Instrumentation inst;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private boolean endRegistered; // guarded by this

    Departure(Binder binder, CloseRewriter closing, java.lang.instrument.Instrumentation inst) {
        this.binder = binder;
        this.closing = closing;
        this.inst = inst;
    }

    /**
     * Ends the listening notices once the app's shutdown hooks have run: the primary, reading their end, knows that
     * what is left of this process is the JVM's own exit, and may stop it there. A process recording the class-data
     * archive of a version replaced since writes its recording in that exit: a second or more of CPU for nothing,
     * beside the new workers' starts. If the hook cannot be registered, the notices end as the process exits. Once per
     * process: by a standby as it waits ({@link #warm}), else as the worker leaves.
     */
    private synchronized void noticesEndAfterAppHooks() {
        if (endRegistered) {
            return;
        }
        try {
            Notifier n = binder.notifier();
            Object jla = Class.forName("jdk.internal.access.SharedSecrets").getMethod("getJavaLangAccess").invoke(null);
            Class.forName("jdk.internal.access.JavaLangAccess").getMethod("registerShutdownHook", int.class, boolean.class, Runnable.class)
                    .invoke(jla, LAST_SHUTDOWN_SLOT, false, (Runnable) n::end);
            endRegistered = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the notices end as the process exits
        }
    }

    /** {@code drainMillis} (a Number) → a one-line report; never throws (a failure is reported on stderr). */
    @Override
    public Object apply(Object drainMillis) {
        long millis = drainMillis instanceof Number n ? n.longValue() : 0;
        JdkAccess jdk;
        try {
            jdk = binder.access();
        } catch (Throwable t) {
            Notifier.warn("WARNING a leaving worker cannot reach the JDK internals it needs on JDK " + Runtime.version() + ": " + t);
            return "not stopped";
        }
        String report = "";
        if (stopped.compareAndSet(false, true)) {
            try {
                report = stopAccepting(jdk) + "; ";
            } catch (Throwable t) {
                Notifier.warn("WARNING a leaving worker could not stop accepting on JDK " + Runtime.version() + ": " + t
                        + "; its app's shutdown will close the listener");
            }
            try {
                Hooks.WRITE = new Closer(binder.declaredPorts());
                report += closing.arm(inst) + "; ";
            } catch (Throwable t) {
                Notifier.warn("WARNING a leaving worker cannot make its responses say Connection: close on JDK "
                        + Runtime.version() + ": " + t);
            }
            noticesEndAfterAppHooks(); // after what the new workers wait for: its reflection is cold here (a standby's is not)
        }
        try {
            return report + drain(jdk, binder.declaredPorts(), millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return report + "drain interrupted";
        }
    }

    /**
     * Runs what {@link #stopAccepting} and the drain run, once, changing nothing: a worker leaves once, so every class
     * of that path loads and every method handle links there, 11-19 ms measured on the demo between the new worker's
     * listening and the old one's last accept (a restart from a standby takes 60-106 ms in all). A standby runs it while
     * it waits ({@link Standby#hold}), on a thread of its own. Nothing is stopped or moved: the decoy is bound and
     * closed, its number duplicated onto itself (which {@code dup2} leaves as it is), and epoll is asked to remove it
     * from no set ({@code EBADF}).
     */
    void warm() {
        try {
            JdkAccess jdk = binder.access();
            Set<Integer> ports = binder.declaredPorts();
            for (int fd : binder.acceptingFds()) {
                isSharedListener(jdk, fd, ports);
            }
            Map<Integer, List<int[]>> watched = epollRegistrations(List.of());
            registration(-1, "tfd:        7 events:       19 data:                7  pos:0 ino:1 sdev:9", List.of(7), watched);
            try (ServerSocketChannel decoy = ServerSocketChannel.open()) {
                decoy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                decoy.configureBlocking(false);
                int d = jdk.channelFd(decoy);
                isSharedListener(jdk, d, ports);
                jdk.dup2(d, d);
                jdk.epollCtl(-1, EPOLL_CTL_DEL, d, 0);
            }
            openConnections(jdk, ports);
        } catch (Throwable t) {
            // a warm-up: the leave itself reports what fails
        }
        noticesEndAfterAppHooks();
    }

    private String stopAccepting(JdkAccess jdk) throws IOException {
        Set<Integer> ports = binder.declaredPorts();
        List<Integer> fds = new ArrayList<>();
        for (int fd : binder.acceptingFds()) {
            if (isSharedListener(jdk, fd, ports)) { // not closed by the app and reused for something else
                fds.add(fd);
            }
        }
        if (fds.isEmpty()) {
            return "no shared socket to stop";
        }
        Map<Integer, List<int[]>> watched = epollRegistrations(fds);
        int moved = 0;
        try (ServerSocketChannel decoy = ServerSocketChannel.open()) {
            decoy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            decoy.configureBlocking(false);
            int d = jdk.channelFd(decoy);
            for (int fd : fds) {
                List<int[]> sets = watched.getOrDefault(fd, List.of());
                for (int[] set : sets) {
                    jdk.epollCtl(set[0], EPOLL_CTL_DEL, fd, 0);
                }
                jdk.dup2(d, fd);
                for (int[] set : sets) {
                    if (jdk.epollCtl(set[0], EPOLL_CTL_ADD, fd, set[1]) == 0) {
                        moved++;
                    }
                }
            }
        } // closes the decoy's own number only: the descriptors above keep it open
        return "stopped accepting on descriptors " + fds + " (" + moved + " epoll registrations moved)";
    }

    private static boolean isSharedListener(JdkAccess jdk, int fd, Set<Integer> ports) {
        try {
            return jdk.intOption(fd, SOL_SOCKET, SO_ACCEPTCONN) != 0 && ports.contains(jdk.localAddress(fd).getPort());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * For each of {@code fds}, the epoll sets of this process watching it, as {@code {epfd, events}}.
     * The kernel lists a set's registrations in its fdinfo, one line each:
     * {@code tfd: N events: HEX data: HEX pos:... ino:... sdev:...}. Only registrations whose data
     * holds the descriptor are taken (the JDK's and Netty's); others are left as they are.
     */
    private static Map<Integer, List<int[]>> epollRegistrations(List<Integer> fds) throws IOException {
        Map<Integer, List<int[]>> watched = new HashMap<>();
        for (int epfd : descriptors("anon_inode:[eventpoll]")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of("/proc/self/fdinfo", Integer.toString(epfd)));
            } catch (IOException e) {
                continue; // closed meanwhile
            }
            for (String line : lines) {
                registration(epfd, line, fds, watched);
            }
        }
        return watched;
    }

    /** One line of an epoll set's fdinfo: a registration of one of {@code fds} is added to {@code watched}. */
    private static void registration(int epfd, String line, List<Integer> fds, Map<Integer, List<int[]>> watched) {
        String[] w = line.trim().split("\\s+");
        if (w.length >= 6 && w[0].equals("tfd:") && w[2].equals("events:") && w[4].equals("data:")) {
            int fd = Integer.parseInt(w[1]);
            // data.fd is the low half of the 64-bit data union; the JDK leaves the high half unset
            if (fds.contains(fd) && (Long.parseUnsignedLong(w[5], 16) & 0xffff_ffffL) == fd) {
                watched.computeIfAbsent(fd, k -> new ArrayList<>()).add(new int[] {epfd, Integer.parseUnsignedInt(w[3], 16)});
            }
        }
    }

    /** The descriptors of this process whose link starts with {@code prefix}. */
    private static List<Integer> descriptors(String prefix) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                try {
                    if (Files.readSymbolicLink(p).toString().startsWith(prefix)) {
                        out.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException e) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }

    private static String drain(JdkAccess jdk, Set<Integer> ports, long millis) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
        int first = -1;
        int open;
        while (true) {
            try {
                open = openConnections(jdk, ports);
            } catch (IOException e) {
                Notifier.warn("WARNING a leaving worker cannot list its connections: " + e + "; not waiting for them");
                return "connections unknown";
            }
            if (first < 0) {
                first = open;
            }
            if (open == 0 || System.nanoTime() - deadline >= 0) {
                break;
            }
            Thread.sleep(10); // pacing a poll of the kernel's state, not synchronisation
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (open > 0) {
            Notifier.warn(open + " connection(s) on port(s) " + ports + " still open after the drain timeout of " + millis
                    + " ms (of " + first + " open when the worker was disconnected): stopping the app anyway");
        }
        return first + " connection(s) open on port(s) " + ports + ", " + open + " left after " + took + " ms";
    }

    /** Established or half-closed TCP connections of this process whose local port is one of {@code ports}. */
    static int openConnections(JdkAccess jdk, Set<Integer> ports) throws IOException {
        int n = 0;
        for (int fd : descriptors("socket:")) {
            try {
                int domain = jdk.intOption(fd, SOL_SOCKET, SO_DOMAIN);
                if ((domain != AF_INET && domain != AF_INET6) || jdk.intOption(fd, SOL_SOCKET, SO_PROTOCOL) != IPPROTO_TCP
                        || jdk.intOption(fd, SOL_SOCKET, SO_ACCEPTCONN) != 0 || !ports.contains(jdk.localAddress(fd).getPort())) {
                    continue;
                }
                int state = jdk.intOption(fd, IPPROTO_TCP, TCP_INFO) & 0xff; // tcpi_state, the first byte
                if (state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT) {
                    n++;
                }
            } catch (IOException | RuntimeException e) {
                // closed meanwhile
            }
        }
        return n;
    }
}

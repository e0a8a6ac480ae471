package dev.brigade.agent.internal;

import dev.brigade.agent.ListenContract;
import dev.brigade.agent.ListenContract.Entry;
import java.net.InetSocketAddress;
import java.net.SocketImpl;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BiFunction;

/**
 * Decides, for each bind the rewritten JDK methods report, whether to adopt an inherited socket
 * ({@link ListenContract}), to fall back to SO_REUSEPORT with a warning, or to leave the bind
 * alone. One per JVM (the agent installs it in {@link Hooks#HOOK}); never throws: a failure is
 * returned for the JDK method to throw, as the original bind would have.
 */
public final class Binder implements BiFunction<Object, Object, Object> {
    private static volatile Binder installed;

    private final List<Entry> entries;
    private final String declared;
    private final Set<Integer> claimed = new HashSet<>();      // fds adopted or handed out; guarded by this
    private final Set<Integer> warnedPorts = new HashSet<>();  // guarded by this
    private final Set<Integer> accepting = new java.util.TreeSet<>(); // descriptors here that are shared sockets; guarded by this
    private final Map<Object, Boolean> adoptedImpls = Collections.synchronizedMap(new WeakHashMap<>());
    private final String notifyFd;
    private final java.lang.instrument.Instrumentation inst; // opens the JDK packages JdkAccess reaches, before it is made
    private JdkAccess jdk;      // created at the first adoption, or aside ({@link #prepareAside}); guarded by this
    private Notifier notifier;  // idem

    Binder(List<Entry> entries, String declared, String notifyFd, java.lang.instrument.Instrumentation inst) {
        this.entries = List.copyOf(entries);
        this.declared = declared;
        this.notifyFd = notifyFd;
        this.inst = inst;
    }

    /**
     * Installs the binder for this JVM (the agent does, once), before the bind rewriter is registered. No transformer
     * is registered here: the write paths' rewriter registers itself, with {@code bindRewriter} (a retransformation
     * runs every registered transformer on the original class bytes, and NioSocketImpl has both bind and write paths),
     * when the worker leaves.
     */
    public static void install(List<Entry> entries, String declared, String notifyFd, java.lang.instrument.Instrumentation inst,
            BindRewriter bindRewriter) {
        Binder b = new Binder(entries, declared, notifyFd, inst);
        installed = b;
        Hooks.HOOK = b;
        CloseRewriter closing = new CloseRewriter(bindRewriter.cache(), bindRewriter);
        Hooks.LEAVE = new Departure(b, closing, inst);
        CloseRewriter.loadTargets();
    }

    /** The installed binder, or null when no agent runs in this JVM. */
    public static Binder installed() {
        return installed;
    }

    @Override
    public Object apply(Object socket, Object arg) {
        try {
            if (arg == Hooks.LISTEN) {
                return adoptedImpls.containsKey(socket) ? Boolean.TRUE : null;
            }
            if (!(arg instanceof InetSocketAddress requested) || requested.getPort() == 0 || requested.isUnresolved()) {
                return null;
            }
            boolean impl = socket instanceof SocketImpl;
            if (!(impl || socket instanceof ServerSocketChannel || socket instanceof AsynchronousServerSocketChannel)
                    || impl && !access().isServerImpl(socket)) {
                return null;
            }
            Entry entry = claim(requested);
            if (entry == null) {
                reusePortIfUndeclared(socket, requested);
                return null;
            }
            try {
                int fd;
                if (impl) {
                    fd = access().adoptImpl(socket, entry.fd(), requested.getAddress());
                    adoptedImpls.put(socket, Boolean.TRUE);
                } else {
                    fd = access().adoptChannel(socket, entry.fd());
                }
                synchronized (this) {
                    accepting.add(fd);
                }
            } catch (Throwable t) {
                release(entry.fd());
                return t;
            }
            notifier().listening(entry.port());
            return Boolean.TRUE;
        } catch (Throwable t) {
            Notifier.warn("cannot adopt an inherited socket for " + arg + " on JDK " + Runtime.version() + ": " + t
                    + "; binding normally");
            return null;
        }
    }

    /**
     * Hands the socket declared for {@code port} to the app (Netty's native transports), marks it
     * taken, sets it non-blocking and sends the listening notice; -1 if none is left.
     */
    public int handOut(int port) {
        Entry entry;
        synchronized (this) {
            entry = entries.stream().filter(e -> e.port() == port && !claimed.contains(e.fd())).findFirst().orElse(null);
            if (entry == null) {
                return -1;
            }
            claimed.add(entry.fd());
            accepting.add(entry.fd());
        }
        try {
            access().nonBlocking(entry.fd());
            notifier().listening(port);
        } catch (Throwable t) {
            Notifier.warn("cannot make inherited descriptor " + entry.fd() + " non-blocking: " + t);
        }
        return entry.fd();
    }

    /** The descriptors of this process that refer to a shared listening socket (adopted or handed out). */
    synchronized List<Integer> acceptingFds() {
        return List.copyOf(accepting);
    }

    /** The declared ports. */
    Set<Integer> declaredPorts() {
        Set<Integer> ports = new HashSet<>();
        entries.forEach(e -> ports.add(e.port()));
        return ports;
    }

    private synchronized Entry claim(InetSocketAddress requested) {
        for (Entry e : entries) {
            if (!claimed.contains(e.fd()) && e.matches(requested)) {
                claimed.add(e.fd());
                return e;
            }
        }
        return null;
    }

    private synchronized void release(int fd) {
        claimed.remove(fd);
    }

    /**
     * An address no entry declares gets SO_REUSEPORT and one warning per port. An address some
     * entry declares but that was adopted already (a second bind in this JVM) is left alone: it
     * fails with "Address already in use", as it would without the agent.
     */
    private void reusePortIfUndeclared(Object socket, InetSocketAddress requested) throws Exception {
        boolean warn;
        synchronized (this) {
            if (entries.stream().anyMatch(e -> e.matches(requested))) {
                return;
            }
            warn = warnedPorts.add(requested.getPort());
        }
        access().reusePort(socket);
        if (warn) {
            Notifier.warn(ListenContract.reusePortWarning(requested, declared));
        }
    }

    synchronized JdkAccess access() throws ReflectiveOperationException {
        if (jdk == null) {
            // java.base's two packages the adoption reaches, opened to the agent here rather than in the premain: the
            // JDK's module update costs a new JVM 4-5 ms (measured), made aside now (prepareAside); and the one that
            // registers a shutdown hook after the app's (Departure#noticesEndAfterAppHooks)
            Module self = Binder.class.getModule();
            inst.redefineModule(Object.class.getModule(), Set.of(), Map.of("jdk.internal.access", Set.of(self)),
                    Map.of("sun.nio.ch", Set.of(self), "java.net", Set.of(self)), Set.of(), Map.of());
            jdk = new JdkAccess();
        }
        return jdk;
    }

    /**
     * Makes what the first adoption needs (the packages opened, {@link JdkAccess}, the notifier) on a thread of its own
     * while the app's main starts: 5-10 ms of a new worker's start that its main thread no longer waits for, unless
     * its app binds first (it then waits for this, under the binder's lock, or does it itself). Nothing of it can fail
     * the worker: an error here is met again, and reported, by the adoption.
     */
    public static void prepareAside() {
        Binder b = installed;
        if (b != null) {
            Thread t = new Thread(null, new Prepare(b), "brigade-prepare", 256 * 1024);
            t.setDaemon(true);
            t.start();
        }
    }

    /** A class, not a lambda: a lambda's bootstrap costs a new JVM several ms. */
    private static final class Prepare implements Runnable {
        private final Binder binder;

        Prepare(Binder binder) {
            this.binder = binder;
        }

        @Override
        public void run() {
            try {
                binder.notifier();
            } catch (Throwable t) {
                // the adoption meets it again and reports it
            }
        }
    }

    synchronized Notifier notifier() throws ReflectiveOperationException {
        if (notifier == null) {
            notifier = Notifier.open(notifyFd, access());
        }
        return notifier;
    }
}

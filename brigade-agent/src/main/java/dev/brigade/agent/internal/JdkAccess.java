package dev.brigade.agent.internal;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;

/**
 * The JDK internals adoption needs, through method handles (core reflection would spin a class per method and
 * field at its first use, in every worker's start: method handles called with exact types reuse the JDK's own, which
 * the worker's class-data archive holds). {@link Binder#access()} opened
 * {@code java.base/sun.nio.ch} and {@code java.base/java.net} to this module first, so no
 * {@code --add-opens} is needed. Every member used here exists, with the same signature and
 * meaning, in JDK 17 through 25 (checked with javap on both; the tests run workers on each):
 * <ul>
 *   <li>{@code InheritedChannel.dup2(int, int)}, {@code close0(int)}: private static natives;</li>
 *   <li>{@code IOUtil.newFD(int)}, {@code fdVal(FileDescriptor)}, {@code configureBlocking(FileDescriptor, boolean)};</li>
 *   <li>{@code Net.localAddress(FileDescriptor)}, {@code Net.getIntOption0(FileDescriptor, boolean, int, int)};</li>
 *   <li>{@code EPoll.ctl(int, int, int, int)} (Linux; it sets the event's data to the descriptor);</li>
 *   <li>{@code ServerSocketChannelImpl} and {@code AsynchronousServerSocketChannelImpl}: fields
 *       {@code fd}, {@code stateLock}, {@code localAddress} (null until bound);</li>
 *   <li>{@code NioSocketImpl}: {@code stateLock}, {@code server}, {@code ensureOpen()}, and
 *       {@code SocketImpl}'s {@code fd}, {@code address}, {@code localport} (0 until bound).</li>
 * </ul>
 */
final class JdkAccess {
    private static final MethodType OBJECT_GETTER = MethodType.methodType(Object.class, Object.class);
    private static final MethodType OBJECT_SETTER = MethodType.methodType(void.class, Object.class, Object.class);
    private final MethodHandle dup2;
    private final MethodHandle close0;
    private final MethodHandle newFD;
    private final MethodHandle fdVal;
    private final MethodHandle configureBlocking;
    private final MethodHandle localAddress;
    private final MethodHandle getIntOption;
    private final MethodHandle epollCtl;
    private final MethodHandle ensureOpen;

    JdkAccess() throws ReflectiveOperationException {
        Class<?> inherited = Class.forName("sun.nio.ch.InheritedChannel");
        Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
        Class<?> net = Class.forName("sun.nio.ch.Net");
        MethodHandles.Lookup in = lookup(inherited);
        dup2 = in.findStatic(inherited, "dup2", MethodType.methodType(void.class, int.class, int.class));
        close0 = in.findStatic(inherited, "close0", MethodType.methodType(void.class, int.class));
        MethodHandles.Lookup io = lookup(ioUtil);
        newFD = io.findStatic(ioUtil, "newFD", MethodType.methodType(FileDescriptor.class, int.class));
        fdVal = io.findStatic(ioUtil, "fdVal", MethodType.methodType(int.class, FileDescriptor.class));
        configureBlocking = io.findStatic(ioUtil, "configureBlocking", MethodType.methodType(void.class, FileDescriptor.class, boolean.class));
        MethodHandles.Lookup n = lookup(net);
        localAddress = n.findStatic(net, "localAddress", MethodType.methodType(InetSocketAddress.class, FileDescriptor.class));
        getIntOption = n.findStatic(net, "getIntOption0",
                MethodType.methodType(int.class, FileDescriptor.class, boolean.class, int.class, int.class));
        epollCtl = epollCtl();
        Class<?> impl = Class.forName("sun.nio.ch.NioSocketImpl", false, null); // not initialised: a channel server never uses it
        ensureOpen = lookup(impl).findVirtual(impl, "ensureOpen", MethodType.methodType(void.class)).asType(MethodType.methodType(void.class, Object.class));
    }

    /** Linux only: elsewhere a leaving worker has no epoll registrations to move. */
    private static MethodHandle epollCtl() {
        try {
            Class<?> epoll = Class.forName("sun.nio.ch.EPoll");
            return lookup(epoll).findStatic(epoll, "ctl", MethodType.methodType(int.class, int.class, int.class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** A lookup with private access in {@code c}, whose package {@link Binder#access()} opened to this module. */
    private static MethodHandles.Lookup lookup(Class<?> c) throws IllegalAccessException {
        return MethodHandles.privateLookupIn(c, MethodHandles.lookup());
    }

    FileDescriptor newFD(int fd) {
        try {
            return (FileDescriptor) newFD.invokeExact(fd);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Makes a ServerSocketChannelImpl or AsynchronousServerSocketChannelImpl use {@code inherited}. */
    int adoptChannel(Object channel, int inherited) throws IOException {
        Object lock = get(channel, "stateLock");
        synchronized (lock) {
            if (!((Channel) channel).isOpen()) {
                throw new ClosedChannelException();
            }
            if (get(channel, "localAddress") != null) {
                throw new AlreadyBoundException();
            }
            FileDescriptor fd = (FileDescriptor) get(channel, "fd");
            int target = swap(fd, inherited);
            set(channel, "localAddress", localAddress(fd));
            return target;
        }
    }

    /** Makes a server NioSocketImpl use {@code inherited}; its {@code listen} must then be skipped. */
    int adoptImpl(Object impl, int inherited, InetAddress host) throws IOException {
        synchronized (get(impl, "stateLock")) {
            try {
                ensureOpen.invokeExact(impl);
            } catch (Throwable t) {
                throw io(t);
            }
            if ((int) get(impl, "localport") != 0) {
                throw new SocketException("Already bound");
            }
            FileDescriptor fd = (FileDescriptor) get(impl, "fd");
            int target = swap(fd, inherited);
            set(impl, "address", host);
            set(impl, "localport", localAddress(fd).getPort());
            return target;
        }
    }

    boolean isServerImpl(Object impl) {
        return (boolean) get(impl, "server");
    }

    /** Sets SO_REUSEPORT on a not yet bound channel or SocketImpl. */
    void reusePort(Object socket) throws IOException {
        if (socket instanceof java.nio.channels.NetworkChannel ch) {
            ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        } else {
            try {
                MethodHandle setOption = lookup(SocketImpl.class).findVirtual(SocketImpl.class, "setOption",
                        MethodType.methodType(void.class, SocketOption.class, Object.class));
                setOption.invoke((SocketImpl) socket, StandardSocketOptions.SO_REUSEPORT, Boolean.TRUE);
            } catch (Throwable t) {
                throw io(t);
            }
        }
    }

    /** Sets O_NONBLOCK on a raw descriptor (for {@link dev.brigade.agent.InheritedSockets}). */
    void nonBlocking(int fd) throws IOException {
        configureBlocking(newFD(fd), false);
    }

    /**
     * Replaces the socket behind {@code fd} by the inherited one: dup2 closes the fresh, unbound
     * socket and makes {@code fd}'s number refer to the shared listener, so every JDK structure
     * that knows the number (the FileDescriptor, a selector registration made later, the
     * cleaner) stays valid. The inherited number is then closed: only {@code fd} holds it here.
     * The shared socket is set non-blocking: the flag is shared by every process holding it,
     * selector-based servers need it, and blocking JDK acceptors cope (they park on EAGAIN).
     */
    private int swap(FileDescriptor fd, int inherited) throws IOException {
        int target = fdVal(fd);
        dup2(inherited, target);
        try {
            close0.invokeExact(inherited);
        } catch (Throwable t) {
            throw io(t);
        }
        configureBlocking(fd, false);
        return target;
    }

    private int fdVal(FileDescriptor fd) {
        try {
            return (int) fdVal.invokeExact(fd);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private void configureBlocking(FileDescriptor fd, boolean blocking) throws IOException {
        try {
            configureBlocking.invokeExact(fd, blocking);
        } catch (Throwable t) {
            throw io(t);
        }
    }

    private InetSocketAddress localAddress(FileDescriptor fd) throws IOException {
        try {
            return (InetSocketAddress) localAddress.invokeExact(fd);
        } catch (Throwable t) {
            throw io(t);
        }
    }

    // ---- what a leaving worker needs (Departure) ----

    /** dup2(2): makes descriptor {@code to} refer to what {@code from} refers to. */
    void dup2(int from, int to) throws IOException {
        try {
            dup2.invokeExact(from, to);
        } catch (Throwable t) {
            throw io(t);
        }
    }

    /** The descriptor number of a ServerSocketChannelImpl. */
    int channelFd(Object channel) {
        return fdVal((FileDescriptor) get(channel, "fd"));
    }

    /** epoll_ctl(2) through the JDK's own binding, which stores the descriptor as the event's data; 0 or the errno. */
    int epollCtl(int epfd, int op, int fd, int events) throws IOException {
        if (epollCtl == null) {
            throw new IOException("sun.nio.ch.EPoll.ctl is not available on JDK " + Runtime.version());
        }
        try {
            return (int) epollCtl.invokeExact(epfd, op, fd, events);
        } catch (Throwable t) {
            throw io(t);
        }
    }

    /** getsockname(2) of a raw descriptor, as an internet address (throws for other families). */
    InetSocketAddress localAddress(int fd) throws IOException {
        return localAddress(newFD(fd));
    }

    /** getsockopt(2) of an int-sized option (for a larger struct, its first four bytes) of a raw descriptor. */
    int intOption(int fd, int level, int option) throws IOException {
        try {
            return (int) getIntOption.invokeExact(newFD(fd), false, level, option);
        } catch (Throwable t) {
            throw io(t);
        }
    }

    private static IOException io(Throwable t) {
        if (t instanceof IOException e) {
            return e;
        }
        throw unchecked(t);
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("a JDK method failed on JDK " + Runtime.version(), t);
    }

    private static Object get(Object o, String name) {
        try {
            return accessor(o.getClass(), name, false).invokeExact(o);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static void set(Object o, String name, Object value) {
        try {
            accessor(o.getClass(), name, true).invokeExact(o, value);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** A getter {@code (Object)Object} or setter {@code (Object,Object)void} of field {@code name} of {@code c} or a superclass. */
    private static MethodHandle accessor(Class<?> c, String name, boolean setter) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            Field f;
            try {
                f = k.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                continue; // look in the superclass
            }
            try {
                MethodHandles.Lookup l = lookup(k);
                return setter ? l.unreflectSetter(f).asType(OBJECT_SETTER) : l.unreflectGetter(f).asType(OBJECT_GETTER);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no field " + name + " in " + c.getName() + " on JDK " + Runtime.version());
    }
}

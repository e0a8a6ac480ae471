package dev.brigade.agent.internal;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
 * The JDK internals adoption needs, by reflection. {@link dev.brigade.agent.BrigadeAgent} opened
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
    private final Method dup2;
    private final Method close0;
    private final Method newFD;
    private final Method fdVal;
    private final Method configureBlocking;
    private final Method localAddress;
    private final Method getIntOption;
    private final Method epollCtl;

    JdkAccess() throws ReflectiveOperationException {
        Class<?> inherited = Class.forName("sun.nio.ch.InheritedChannel");
        Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
        dup2 = open(inherited.getDeclaredMethod("dup2", int.class, int.class));
        close0 = open(inherited.getDeclaredMethod("close0", int.class));
        newFD = open(ioUtil.getDeclaredMethod("newFD", int.class));
        fdVal = open(ioUtil.getDeclaredMethod("fdVal", FileDescriptor.class));
        configureBlocking = open(ioUtil.getDeclaredMethod("configureBlocking", FileDescriptor.class, boolean.class));
        Class<?> net = Class.forName("sun.nio.ch.Net");
        localAddress = open(net.getDeclaredMethod("localAddress", FileDescriptor.class));
        getIntOption = open(net.getDeclaredMethod("getIntOption0", FileDescriptor.class, boolean.class, int.class, int.class));
        epollCtl = epollCtl();
    }

    /** Linux only: elsewhere a leaving worker has no epoll registrations to move. */
    private static Method epollCtl() {
        try {
            return open(Class.forName("sun.nio.ch.EPoll").getDeclaredMethod("ctl", int.class, int.class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    FileDescriptor newFD(int fd) {
        try {
            return (FileDescriptor) call(newFD, null, fd);
        } catch (IOException e) {
            throw new IllegalStateException(e);
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
            set(channel, "localAddress", call(localAddress, null, fd));
            return target;
        }
    }

    /** Makes a server NioSocketImpl use {@code inherited}; its {@code listen} must then be skipped. */
    int adoptImpl(Object impl, int inherited, InetAddress host) throws IOException {
        synchronized (get(impl, "stateLock")) {
            call(method(impl.getClass(), "ensureOpen"), impl);
            if ((int) get(impl, "localport") != 0) {
                throw new SocketException("Already bound");
            }
            FileDescriptor fd = (FileDescriptor) get(impl, "fd");
            int target = swap(fd, inherited);
            set(impl, "address", host);
            set(impl, "localport", ((InetSocketAddress) call(localAddress, null, fd)).getPort());
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
            call(method(SocketImpl.class, "setOption", SocketOption.class, Object.class), socket, StandardSocketOptions.SO_REUSEPORT, true);
        }
    }

    /** Sets O_NONBLOCK on a raw descriptor (for {@link dev.brigade.agent.InheritedSockets}). */
    void nonBlocking(int fd) throws IOException {
        call(configureBlocking, null, newFD(fd), false);
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
        int target = (int) call(fdVal, null, fd);
        call(dup2, null, inherited, target);
        call(close0, null, inherited);
        call(configureBlocking, null, fd, false);
        return target;
    }

    // ---- what a leaving worker needs (Departure) ----

    /** dup2(2): makes descriptor {@code to} refer to what {@code from} refers to. */
    void dup2(int from, int to) throws IOException {
        call(dup2, null, from, to);
    }

    /** The descriptor number of a ServerSocketChannelImpl. */
    int channelFd(Object channel) throws IOException {
        return (int) call(fdVal, null, get(channel, "fd"));
    }

    /** epoll_ctl(2) through the JDK's own binding, which stores the descriptor as the event's data; 0 or the errno. */
    int epollCtl(int epfd, int op, int fd, int events) throws IOException {
        if (epollCtl == null) {
            throw new IOException("sun.nio.ch.EPoll.ctl is not available on JDK " + Runtime.version());
        }
        return (int) call(epollCtl, null, epfd, op, fd, events);
    }

    /** getsockname(2) of a raw descriptor, as an internet address (throws for other families). */
    InetSocketAddress localAddress(int fd) throws IOException {
        return (InetSocketAddress) call(localAddress, null, newFD(fd));
    }

    /** getsockopt(2) of an int-sized option (for a larger struct, its first four bytes) of a raw descriptor. */
    int intOption(int fd, int level, int option) throws IOException {
        return (int) call(getIntOption, null, newFD(fd), false, level, option);
    }

    private static Object call(Method m, Object self, Object... args) throws IOException {
        try {
            return m.invoke(self, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(m + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object get(Object o, String name) {
        try {
            return field(o.getClass(), name).get(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void set(Object o, String name, Object value) {
        try {
            field(o.getClass(), name).set(o, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field field(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new IllegalStateException("no field " + name + " in " + c.getName() + " on JDK " + Runtime.version());
    }

    private static Method method(Class<?> c, String name, Class<?>... params) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                return open(k.getDeclaredMethod(name, params));
            } catch (NoSuchMethodException e) {
                // look in the superclass
            }
        }
        throw new IllegalStateException("no method " + name + " in " + c.getName() + " on JDK " + Runtime.version());
    }

    private static Method open(Method m) {
        m.setAccessible(true);
        return m;
    }
}

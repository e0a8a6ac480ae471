package dev.brigade.agent.internal;

import java.util.function.BiFunction;

/**
 * The one place the rewritten JDK methods reach (by reflection through the system class loader,
 * see {@link BindRewriter}: code in java.base cannot link to a class on the class path). Public
 * only for that reason; not API.
 */
public final class Hooks {
    /** The argument the rewritten {@code NioSocketImpl.listen} passes instead of an address. */
    public static final String LISTEN = "listen";

    /**
     * Called as {@code HOOK.apply(channelOrImpl, addressOrLISTEN)}. Returns {@code Boolean.TRUE}
     * when the JDK method must return at once (the socket was adopted), a {@code Throwable} the
     * JDK method throws, or anything else to run the JDK method unchanged. Set once by the agent
     * before any class is rewritten; while null, the rewritten methods behave as the originals.
     */
    public static volatile BiFunction<Object, Object, Object> HOOK;

    /**
     * Called by brigade-cluster's worker runtime (by reflection through the system class loader) when
     * the primary disconnects this worker, before the app is told anything:
     * {@code LEAVE.apply(drainMillis)} stops this process taking connections from the shared sockets
     * and waits, at most {@code drainMillis}, until the connections it accepted on declared ports are
     * closed; it returns a one-line report (a String). {@link Departure} explains how. Null without the agent.
     */
    public static volatile java.util.function.Function<Object, Object> LEAVE;

    /**
     * Called by the JDK's socket write methods once a leaving worker rewrote them ({@link CloseRewriter}):
     * {@code WRITE.apply(channelOrImpl, bufferOrArgs)}; {@link Closer} says what it returns. Null until then.
     */
    public static volatile BiFunction<Object, Object, Object> WRITE;

    /**
     * Set when the agent connected this worker to its primary ({@code -javaagent:brigade-agent.jar=worker:...},
     * {@link WorkerLink}): brigade-cluster's worker runtime in an app that uses the worker API calls
     * {@code TAKE_OVER.get()} (by reflection through the system class loader) instead of connecting a second
     * time, and gets {@code {SocketChannel, Integer heartbeatMillis, Integer maxFrameBytes, List<ByteBuffer>
     * held frame bodies, Thread main thread, Boolean main ended}}, or null once taken or leaving. Null otherwise.
     */
    public static volatile java.util.function.Supplier<Object> TAKE_OVER;

    private Hooks() {
    }
}

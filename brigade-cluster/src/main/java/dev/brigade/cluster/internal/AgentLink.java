package dev.brigade.cluster.internal;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.Supplier;

/**
 * The IPC connection brigade-agent made for this worker, taken over by this module's worker runtime.
 *
 * <p>A worker of an explicit entry ({@code ProcessEntry.jar}, {@code mainClass}) is started as
 * {@code java -javaagent:brigade-agent.jar=worker:... -jar app.jar}: the agent's premain connects it
 * to its primary before the app's main runs (the agent's {@code WorkerLink}). An app that has
 * brigade-cluster on its own class path and calls the worker API ({@code Cluster.create()} in a
 * worker) must not connect a second time (the primary accepts one connection per token): it takes
 * the agent's connection over, with the requests and messages the agent held for it, and watches
 * the app's main thread, so that requests held for a handler that never comes fail once main ends,
 * as they did when Brigade's launcher called main.
 */
final class AgentLink {
    private static final String HOOKS = "dev.brigade.agent.internal.Hooks";

    /** What the agent hands over. */
    record Handed(SocketChannel channel, int heartbeatMillis, int maxFrame, List<ByteBuffer> held, Thread main, boolean mainEnded) {
    }

    private AgentLink() {
    }

    /**
     * The agent's connection, or null if the agent made none (a worker of the same program, or one started by
     * the old launcher): then the runtime connects itself.
     *
     * @throws IOException if the agent made one but can no longer hand it over (the worker is leaving)
     */
    static Handed takeOver() throws IOException {
        Supplier<?> hook = hook();
        if (hook == null) {
            return null;
        }
        if (!(hook.get() instanceof Object[] a) || a.length != 6) {
            throw new IOException("brigade-agent's IPC connection is gone (the worker is leaving)");
        }
        @SuppressWarnings("unchecked")
        List<ByteBuffer> held = (List<ByteBuffer>) a[3];
        return new Handed((SocketChannel) a[0], (Integer) a[1], (Integer) a[2], held, (Thread) a[4], (Boolean) a[5]);
    }

    /** Feeds the held frames to {@code rt} in order, and calls its {@code mainReturned} once the app's main thread ends. */
    static void adopt(Handed handed, WorkerRuntime rt, Inbox inbox) throws IOException {
        try {
            for (ByteBuffer body : handed.held()) {
                inbox.put(FrameCodec.decode(body.duplicate()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while taking over the agent's IPC connection");
        }
        if (handed.mainEnded()) {
            rt.mainReturned();
        } else {
            Thread.ofPlatform().name("brigade-main-watch").daemon(true).stackSize(128 * 1024).start(new MainWatch(handed.main(), rt));
        }
    }

    /** Waits for the app's main thread to end (a class, not a lambda: see WorkerRuntime). */
    private static final class MainWatch implements Runnable {
        private final Thread main;
        private final WorkerRuntime rt;

        MainWatch(Thread main, WorkerRuntime rt) {
            this.main = main;
            this.rt = rt;
        }

        @Override
        public void run() {
            try {
                main.join();
                rt.mainReturned();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Supplier<?> hook() {
        try {
            Field f = Class.forName(HOOKS, true, ClassLoader.getSystemClassLoader()).getField("TAKE_OVER");
            return (Supplier<?>) f.get(null);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return null;
        }
    }
}

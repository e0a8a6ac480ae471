package dev.brigade.cluster.internal;

import dev.brigade.cluster.ExitCodes;
import dev.brigade.cluster.MessageCodec;
import dev.brigade.cluster.WorkerProcess;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The worker's end of IPC. A worker process has exactly one connection to its primary, made by
 * whoever runs first (brigade-agent's premain in a worker of an explicit entry, which this runtime
 * takes over if the app uses the worker API, see {@link AgentLink}; Brigade's old launcher without
 * an agent jar; or the app's {@code Cluster.create()} in a worker of the same program), so this is the
 * one process-wide singleton in the module: a second connection with the same token would be
 * refused by the primary. When the channel closes without a disconnect request, the worker
 * exits (code {@link ExitCodes#IPC_LOST}): a primary killed with SIGKILL leaves no orphans.
 */
public final class WorkerRuntime implements WorkerProcess {
    public static final String ENV_ID = "BRIGADE_WORKER_ID", ENV_INSTANCE = "BRIGADE_INSTANCE",
            ENV_IPC = "BRIGADE_IPC_PATH", ENV_TOKEN = "BRIGADE_IPC_TOKEN";
    /**
     * Looked up only when something goes wrong: the first System.getLogger of an app class starts the
     * logging back end (java.util.logging: ~80 classes, their lambdas and its configuration), which an
     * idle worker otherwise never needs (start-up time, and heap and metaspace of every worker).
     */
    private static System.Logger log() {
        return System.getLogger("dev.brigade.cluster.worker");
    }
    private static WorkerRuntime current; // guarded by WorkerRuntime.class; set once per process

    private final int id;
    private final int instance;
    private final IpcChannel channel;
    private final Correlator correlator;
    private final MessageCodec codec;
    private final List<Consumer<Object>> messageHandlers = new CopyOnWriteArrayList<>();
    private final List<Runnable> disconnectHandlers = new CopyOnWriteArrayList<>();
    private volatile Function<Object, Object> requestHandler;
    // One instance, not one per request; and classes, not lambdas, on the paths a worker runs as it
    // starts: each lambda spins a class at run time (see ClusterSettings.Builder).
    private final Function<byte[], CompletionStage<byte[]>> answer = new Answer();
    // Frames that arrived before the app registered a handler (the launcher connects before main runs);
    // guarded by this (read and written on the inbox's thread), drained by a Drain task queued when the
    // first handler of their kind is registered or main returns, so that they keep their order.
    private final List<Frame.Message> earlyMessages = new java.util.ArrayList<>();
    private final List<Frame.Request> earlyRequests = new java.util.ArrayList<>();
    // Handlers run here, not on the reader: a handler may block on a call the reader must answer (Inbox).
    private final Inbox inbox = new Inbox("brigade-handlers", new Handlers());
    private boolean mainReturned; // guarded by this
    private Thread holder;        // guarded by this: keeps the JVM alive once a handler is set
    private final CountDownLatch readerDone = new CountDownLatch(1);
    private volatile boolean leaving;

    private WorkerRuntime(int id, int instance, IpcChannel channel, MessageCodec codec) {
        this.id = id;
        this.instance = instance;
        this.channel = channel;
        this.codec = codec;
        this.correlator = new Correlator("primary", channel, channel);
    }

    /** True if this process was started by a Brigade primary. */
    public static boolean isWorkerProcess() {
        return System.getenv(ENV_ID) != null && System.getenv(ENV_IPC) != null;
    }

    /** This process's connection to its primary, connecting on first use. */
    public static synchronized WorkerRuntime connect(MessageCodec codec) {
        if (current == null) {
            try {
                current = open(codec);
            } catch (IOException e) {
                log().log(Level.ERROR, "worker cannot reach its primary over IPC: " + e.getMessage());
                System.err.println("brigade: worker cannot reach its primary over IPC: " + e.getMessage());
                Runtime.getRuntime().halt(ExitCodes.IPC_LOST);
            }
        }
        return current;
    }

    private static WorkerRuntime open(MessageCodec codec) throws IOException {
        int id = Integer.parseInt(System.getenv(ENV_ID));
        int instance = Integer.parseInt(System.getenv().getOrDefault(ENV_INSTANCE, "0"));
        AgentLink.Handed handed = AgentLink.takeOver(); // connected by brigade-agent, before the app's main?
        IpcChannel channel;
        int heartbeatMillis;
        if (handed != null) {
            channel = new IpcChannel(handed.channel(), handed.maxFrame());
            heartbeatMillis = handed.heartbeatMillis();
        } else {
            SocketChannel sc = SocketChannel.open(StandardProtocolFamily.UNIX);
            sc.connect(UnixDomainSocketAddress.of(System.getenv(ENV_IPC)));
            channel = new IpcChannel(sc, FrameCodec.DEFAULT_MAX_FRAME);
            channel.send(new Frame.Hello(id, System.getenv().getOrDefault(ENV_TOKEN, ""), selfPid()));
            if (!(channel.read() instanceof Frame.Welcome welcome)) {
                throw new ProtocolException("primary answered hello with something else than welcome");
            }
            channel.maxFrame(welcome.maxFrameBytes());
            heartbeatMillis = welcome.heartbeatMillis();
        }
        WorkerRuntime rt = new WorkerRuntime(id, instance, channel, codec);
        if (handed != null) {
            AgentLink.adopt(handed, rt, rt.inbox);
        }
        Thread.ofPlatform().name("brigade-ipc").daemon(true).start(rt.new Loop(0));
        Thread.ofPlatform().name("brigade-heartbeat").daemon(true).stackSize(256 * 1024)
                .start(rt.new Loop(heartbeatMillis));
        Thread main = Thread.currentThread();
        if (main.getName().equals("main") && main.getUncaughtExceptionHandler() == main.getThreadGroup()) {
            main.setUncaughtExceptionHandler(new MainFailure());
        }
        return rt;
    }

    /**
     * An exception thrown out of the app's main ends the worker with {@link ExitCodes#UNCAUGHT}, as it
     * ends a Node worker, so the primary sees the crash. Without it a worker whose app had started
     * threads, or had set a message handler (see {@link #keepAlive}), would stay online serving nothing.
     */
    private static final class MainFailure implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            t.getThreadGroup().uncaughtException(t, e); // printed as the JVM prints it
            System.err.flush();
            exit(ExitCodes.UNCAUGHT, Duration.ofSeconds(10));
        }
    }

    /**
     * This process's id from {@code /proc/self}; {@link ProcessHandle} only where that cannot be read
     * (its class set-up starts a reaper thread pool and spins a lambda: memory an idle worker keeps).
     */
    static long selfPid() {
        try {
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }

    /** The threads of this worker: the reader loop (0), the heartbeat loop (its interval), the disconnect (LEAVE), the holder (HOLD). */
    private final class Loop implements Runnable {
        static final int LEAVE = -1, HOLD = -2;
        private final int heartbeatMillis;

        Loop(int heartbeatMillis) {
            this.heartbeatMillis = heartbeatMillis;
        }

        @Override
        public void run() {
            if (heartbeatMillis > 0) {
                heartbeat(heartbeatMillis);
            } else if (heartbeatMillis == LEAVE) {
                runDisconnectHandlersAndExit();
            } else if (heartbeatMillis == HOLD) {
                holdUntilTheReaderEnds();
            } else {
                readLoop();
            }
        }
    }

    private final class Answer implements Function<byte[], CompletionStage<byte[]>> {
        @Override
        public CompletionStage<byte[]> apply(byte[] payload) {
            return answer(payload);
        }
    }

    /** The inbox's handler: each request and message in arrival order, held while the app has no handler yet. */
    private final class Handlers implements Inbox.Handler {
        @Override
        public void handle(Frame frame) {
            if (frame instanceof Frame.Request r) {
                if (!hold(earlyRequests, r)) {
                    correlator.serve(r, answer);
                }
            } else if (frame instanceof Frame.Message m && !hold(earlyMessages, m)) {
                dispatchMessage(m);
            }
        }
    }

    /** Runs the held frames of one kind (messages, or requests) on the inbox's thread, in order. */
    private final class Drain implements Runnable {
        private final boolean messages;

        Drain(boolean messages) {
            this.messages = messages;
        }

        @Override
        public void run() {
            List<? extends Frame> held;
            synchronized (WorkerRuntime.this) {
                List<? extends Frame> early = messages ? earlyMessages : earlyRequests;
                held = List.copyOf(early);
                early.clear();
            }
            for (Frame f : held) {
                if (f instanceof Frame.Message m) {
                    dispatchMessage(m);
                } else {
                    correlator.serve((Frame.Request) f, answer);
                }
            }
        }
    }

    private void readLoop() {
        try {
            while (true) {
                Frame frame = channel.read();
                // an instanceof chain, not a pattern switch: this runs as the worker starts (see FrameCodec)
                if (frame instanceof Frame.Request || frame instanceof Frame.Message) {
                    inbox.put(frame);
                } else if (frame instanceof Frame.Reply r) {
                    correlator.complete(r);
                } else if (frame instanceof Frame.Disconnect) {
                    leave();
                    return;
                } else {
                    throw new ProtocolException("unexpected " + frame.getClass().getSimpleName() + " frame from the primary");
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            inbox.close();
            correlator.close(e.getMessage());
            if (!leaving) {
                String why = e instanceof EOFException ? "the primary closed the IPC channel" : e.toString();
                System.err.println("brigade: worker " + id + " exits: " + why);
                exit(ExitCodes.IPC_LOST, Duration.ofMillis(500));
            }
        } finally {
            readerDone.countDown();
        }
    }

    /**
     * Node's rule for a child's IPC channel: it keeps the process alive only while someone listens on
     * it. The reader is a daemon thread, so a worker whose app returns from main with no thread of its
     * own left ends as {@code java -cp app.jar Main} would; a handler starts this non-daemon holder.
     * (Threads inherit daemon status: those that must finish, such as exit and disconnect, say so.)
     */
    private synchronized void keepAlive() {
        if (holder == null) {
            holder = Thread.ofPlatform().name("brigade-keepalive").daemon(false).stackSize(128 * 1024).start(new Loop(Loop.HOLD));
        }
    }

    private void holdUntilTheReaderEnds() {
        try {
            readerDone.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Holds {@code frame} if its kind has no handler yet, or if frames held before it wait for their Drain. */
    private synchronized <F> boolean hold(List<F> early, F frame) {
        boolean noHandler = early == earlyMessages ? messageHandlers.isEmpty() : requestHandler == null;
        boolean holding = !early.isEmpty() || (noHandler && !mainReturned);
        if (holding) {
            early.add(frame);
        }
        return holding;
    }

    /** The launcher's main returned: requests held for a handler that never came fail now; messages go to the handlers there are. */
    void mainReturned() {
        synchronized (this) {
            mainReturned = true;
        }
        inbox.task(new Drain(false));
        inbox.task(new Drain(true));
    }

    private void dispatchMessage(Frame.Message m) {
        Object msg = codec.decode(m.payload());
        for (Consumer<Object> h : messageHandlers) {
            try {
                h.accept(msg);
            } catch (RuntimeException e) {
                log().log(Level.ERROR, "worker " + id + ": message handler failed", e);
            }
        }
    }

    private CompletionStage<byte[]> answer(byte[] payload) {
        Function<Object, Object> h = requestHandler;
        if (h == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("worker " + id + " has no request handler (WorkerProcess.onRequest)"));
        }
        Object result = h.apply(codec.decode(payload));
        if (result instanceof CompletionStage<?> stage) {
            return stage.thenApply(codec::encode);
        }
        return CompletableFuture.completedFuture(codec.encode(result));
    }

    private void leave() {
        leaving = true;
        Thread.ofPlatform().name("brigade-disconnect").daemon(false).start(new Loop(Loop.LEAVE));
    }

    private void runDisconnectHandlersAndExit() {
        Leave.stopAccepting(!disconnectHandlers.isEmpty()); // first: no new connection, then the app is told
        for (Runnable h : disconnectHandlers) {
            try {
                h.run();
            } catch (RuntimeException e) {
                log().log(Level.ERROR, "worker " + id + ": disconnect handler failed", e);
            }
        }
        channel.close();
        System.exit(ExitCodes.OK);
    }

    private void heartbeat(int millis) {
        try {
            while (channel.isOpen()) {
                channel.send(new Frame.Heartbeat());
                Thread.sleep(millis); // pacing, not synchronisation
            }
        } catch (IOException | InterruptedException e) {
            // channel gone: the reader handles it
        }
    }

    /** Exits through System.exit (hooks run) but halts if that takes longer than {@code grace}. */
    static void exit(int code, Duration grace) {
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException ignored) {
                // halt anyway
            }
            Runtime.getRuntime().halt(code);
        });
        Thread.ofPlatform().daemon(false).start(() -> System.exit(code)); // not inherited: callers are daemons
    }

    IpcChannel channel() {
        return channel;
    }

    @Override public int id() { return id; }

    @Override public int instance() { return instance; }

    @Override
    public void send(Object message) {
        try {
            channel.send(new Frame.Message(codec.encode(message)));
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + id + " cannot send to its primary", e);
        }
    }

    @Override
    public CompletableFuture<Object> request(Object message, Duration timeout) {
        return correlator.request(codec.encode(message), timeout).thenApply(codec::decode);
    }

    @Override
    public void onMessage(Consumer<Object> handler) {
        synchronized (this) {
            messageHandlers.add(handler);
            keepAlive();
        }
        inbox.task(new Drain(true));
    }

    @Override
    public void onRequest(Function<Object, Object> handler) {
        synchronized (this) {
            requestHandler = handler;
            keepAlive();
        }
        inbox.task(new Drain(false));
    }

    @Override public void onDisconnect(Runnable handler) { disconnectHandlers.add(handler); }

    @Override
    public void listening(InetSocketAddress address) {
        try {
            channel.send(new Frame.Listening(address.getHostString(), address.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + id + " cannot report listening", e);
        }
    }
}

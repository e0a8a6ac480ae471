package dev.brigade.agent.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The worker's end of IPC for an app started as {@code java -jar app.jar} (or {@code -cp CP Main})
 * that knows nothing of Brigade: connected from the agent's premain, on a thread of its own while the app's main
 * starts ({@link #start}), so the worker is online at once, beats its heart, and leaves when the primary
 * disconnects it.
 *
 * <h2>What it speaks</h2>
 * A few of brigade-cluster's frames, hand-encoded on brigade-cluster's wire format
 * ({@code FrameCodec}: a 4-byte big-endian length, a one-byte tag, the fields; strings as u16 length
 * and UTF-8), which this agent (release 17, no dependency) cannot link to. It sends {@code Hello},
 * {@code Heartbeat} and, for requests nobody will answer, {@code Reply} with ok=false; it reads
 * {@code Welcome}, then {@code Request}, {@code Message} (held, see below), {@code Reply} (ignored:
 * it never asks), {@code Go} (a standby's start, see {@link Standby}) and {@code Disconnect}. Listening is reported on the agent's notify pipe, not here.
 *
 * <h2>Hand-over</h2>
 * An app that has brigade-cluster on its own class path and calls its worker API takes the
 * connection over ({@link Hooks#TAKE_OVER}): the reader stops at a frame boundary, the heartbeat
 * stops, and the app's runtime gets the channel, the welcome's settings and the requests and
 * messages held so far, in order. Until then requests and messages are held; once the app's main
 * thread has ended without a hand-over, held requests fail ("no request handler") and messages
 * are dropped, as they would for an app that registered no handler.
 *
 * <h2>Leaving</h2>
 * On {@code Disconnect}: the agent's {@link Hooks#LEAVE} (stop accepting, drain, when ports are
 * declared), then {@code System.exit(0)}: the app's shutdown hooks. When the primary closes the
 * connection: exit code 4 (IPC lost), so killing the primary leaves no orphan.
 */
public final class WorkerLink {
    static final String ENV_ID = "BRIGADE_WORKER_ID", ENV_IPC = "BRIGADE_IPC_PATH", ENV_TOKEN = "BRIGADE_IPC_TOKEN",
            ENV_DRAIN = "BRIGADE_DRAIN_MILLIS";
    private static final byte HELLO = 1, WELCOME = 2, HEARTBEAT = 3, MESSAGE = 5, REQUEST = 6, REPLY = 7, DISCONNECT = 8, GO = 9;
    static final int IPC_LOST = 4, OK = 0;
    private static final long DEFAULT_DRAIN_MILLIS = 2000;

    private final int id;
    private final SocketChannel channel;
    private final Thread mainThread;
    private final int heartbeatMillis;
    private final int maxFrame;
    private final Selector selector;
    // Guarded by this: the frames (bodies, tag first) held for an app that may still take over, and the states.
    private final List<ByteBuffer> held = new ArrayList<>();
    private boolean mainEnded;
    private boolean takeOverWanted;
    private boolean handedOver;
    private boolean leaving;
    private final CountDownLatch readerStopped = new CountDownLatch(1);
    private volatile Object[] handOver;

    private WorkerLink(int id, SocketChannel channel, Thread mainThread, int heartbeatMillis, int maxFrame) throws IOException {
        this.id = id;
        this.channel = channel;
        this.mainThread = mainThread;
        this.heartbeatMillis = heartbeatMillis;
        this.maxFrame = maxFrame;
        this.selector = Selector.open();
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
    }

    /** Counted down once the primary welcomed this worker; null when no link was started (nothing to wait for). */
    private static volatile CountDownLatch welcomed;
    /** How long what must follow the welcome waits for it: the primary drops a hello it has not served within 10 s. */
    private static final long WELCOME_WAIT_MILLIS = 15_000;

    /**
     * Connects to the primary named by the environment on a thread of its own, says hello, waits for the welcome, and
     * starts the reader and heartbeat threads, while the JVM goes on to the app's main: opening the first Unix-domain
     * socket of a JVM initialises its {@code SecureRandom} (30-50 ms of a worker's start, measured), which the app need
     * not wait for. What must come after the welcome waits for it ({@link #awaitWelcome}): the listening notice (the
     * primary takes a worker that listens as online), the hand-over to the app's runtime, and the JVM's exit (a worker
     * that ends is always one its primary knew as online, as when the link was made before main). A missing variable
     * ends the worker here, before main, with a boot error; a failed link ends it with code 4, as brigade-cluster's
     * would.
     */
    public static void start() {
        String ipc = System.getenv(ENV_IPC);
        String idText = System.getenv(ENV_ID);
        if (ipc == null || idText == null) {
            Launch.exit(Launch.BOOT_ERROR, "brigade: cannot start worker: " + ENV_IPC + " and " + ENV_ID
                    + " are not set: -javaagent:brigade-agent.jar=worker runs only in a worker a Brigade primary started", 0);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        welcomed = done;
        Standby.begin();
        Connect connect = new Connect(ipc, idText, Thread.currentThread(), done);
        Hooks.TAKE_OVER = connect;
        Thread t = new Thread(null, connect, "brigade-ipc-connect", 256 * 1024);
        t.setDaemon(true);
        t.start();
        Runtime.getRuntime().addShutdownHook(new Thread(null, new AwaitWelcome(), "brigade-ipc-exit", 128 * 1024));
    }

    /** Waits (at most {@value #WELCOME_WAIT_MILLIS} ms) until the primary welcomed this worker, if a link was started. */
    static void awaitWelcome() {
        CountDownLatch w = welcomed;
        if (w == null) {
            return;
        }
        try {
            w.await(WELCOME_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The shutdown hook that keeps the JVM until its primary welcomed it (a class, not a lambda: see {@link Role}). */
    private static final class AwaitWelcome implements Runnable {
        @Override
        public void run() {
            awaitWelcome();
        }
    }

    /**
     * The link being made: the connecting thread's body and, until the link exists, {@link Hooks#TAKE_OVER} (which
     * waits for it, then hands it over).
     */
    private static final class Connect implements Runnable, Supplier<Object> {
        private final String ipc;
        private final String idText;
        private final Thread main;
        private final CountDownLatch done;
        private volatile WorkerLink link;

        Connect(String ipc, String idText, Thread main, CountDownLatch done) {
            this.ipc = ipc;
            this.idText = idText;
            this.main = main;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                int id = Integer.parseInt(idText.trim());
                SocketChannel sc = SocketChannel.open(StandardProtocolFamily.UNIX);
                sc.connect(UnixDomainSocketAddress.of(ipc));
                writeFully(sc, hello(id, System.getenv().getOrDefault(ENV_TOKEN, ""), selfPid()));
                ByteBuffer welcome = readFrameBlocking(sc);
                if (welcome.get() != WELCOME || welcome.remaining() != 8) {
                    throw new IOException("the primary answered hello with something else than welcome");
                }
                WorkerLink l = new WorkerLink(id, sc, main, welcome.getInt(), welcome.getInt());
                link = l;
                Hooks.TAKE_OVER = l.new Role(Role.TAKE_OVER);
                Thread reader = new Thread(null, l.new Role(Role.READ), "brigade-ipc", 256 * 1024);
                reader.setDaemon(true);
                reader.start();
                Thread beat = new Thread(null, l.new Role(Role.BEAT), "brigade-heartbeat", 128 * 1024);
                beat.setDaemon(true);
                beat.start();
                done.countDown();
            } catch (IOException | RuntimeException e) {
                System.err.println("brigade: worker cannot reach its primary over IPC: " + e.getMessage());
                System.err.flush();
                Runtime.getRuntime().halt(IPC_LOST);
            }
        }

        /** The hand-over, once the link exists. */
        @Override
        public Object get() {
            awaitWelcome();
            WorkerLink l = link;
            return l == null ? null : l.takeOver();
        }
    }

    /**
     * The link's threads and its hand-over hook, as one class rather than lambdas: each lambda spins a class
     * at run time, start-up time of every worker.
     */
    private final class Role implements Runnable, Supplier<Object> {
        static final int READ = 0, BEAT = 1, LEAVE = 2, TAKE_OVER = 3;
        private final int role;

        Role(int role) {
            this.role = role;
        }

        @Override
        public void run() {
            if (role == READ) {
                readLoop();
            } else if (role == BEAT) {
                heartbeatLoop();
            } else {
                leave();
            }
        }

        @Override
        public Object get() {
            return role == TAKE_OVER ? takeOver() : null;
        }
    }

    /**
     * For brigade-cluster's worker runtime in the app: stops this link and returns
     * {@code {SocketChannel, Integer heartbeatMillis, Integer maxFrameBytes, List<ByteBuffer> held frame bodies,
     * Thread the app's main thread, Boolean main ended}}, or null if the link is leaving or was taken already.
     */
    private Object takeOver() {
        synchronized (this) {
            if (takeOverWanted || leaving) {
                return null;
            }
            takeOverWanted = true;
        }
        selector.wakeup();
        try {
            readerStopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return handOver;
    }

    private void readLoop() {
        ByteBuffer in = ByteBuffer.allocate(16 * 1024); // write mode: position = bytes not yet decoded
        try {
            while (true) {
                synchronized (this) {
                    if (takeOverWanted && in.position() == 0) { // at a frame boundary
                        handedOver = true;
                        selector.close(); // deregisters the channel, so that another selector may take it
                        handOver = new Object[] {channel, heartbeatMillis, maxFrame, List.copyOf(held), mainThread, mainEnded};
                        held.clear();
                        return;
                    }
                }
                selector.select();
                selector.selectedKeys().clear();
                if (channel.read(in) < 0) {
                    throw new EOFException();
                }
                in.flip();
                while (in.remaining() >= 4) {
                    int length = in.getInt(in.position());
                    if (length < 1 || length > maxFrame) {
                        throw new IOException("frame length " + length + " is outside 1.." + maxFrame + " bytes");
                    }
                    if (in.remaining() < 4 + length) {
                        break;
                    }
                    ByteBuffer body = ByteBuffer.allocate(length);
                    in.position(in.position() + 4);
                    body.put(in.slice(in.position(), length)).flip();
                    in.position(in.position() + length);
                    if (!dispatch(body)) {
                        return;
                    }
                }
                in.compact();
                if (!in.hasRemaining()) { // a frame larger than the buffer
                    ByteBuffer bigger = ByteBuffer.allocate(Math.min(in.capacity() * 2, maxFrame + 4));
                    in = bigger.put(in.flip());
                }
            }
        } catch (IOException | RuntimeException e) {
            boolean quiet;
            synchronized (this) {
                quiet = leaving || handedOver;
            }
            if (!quiet) {
                String why = e instanceof EOFException ? "the primary closed the IPC channel" : e.toString();
                Launch.exit(IPC_LOST, "brigade: worker " + id + " exits: " + why, 500);
            }
        } finally {
            readerStopped.countDown();
        }
    }

    /** Handles one frame body; false when the reader must stop (the worker leaves). */
    private boolean dispatch(ByteBuffer body) throws IOException {
        byte tag = body.get(0);
        if (tag == REQUEST || tag == MESSAGE) {
            boolean failNow;
            synchronized (this) {
                failNow = mainEnded && !takeOverWanted;
                if (!failNow) {
                    held.add(body);
                }
            }
            if (failNow && tag == REQUEST) {
                noHandler(body);
            }
            return true;
        } else if (tag == REPLY) {
            return true; // this link never asks; a stray reply is dropped
        } else if (tag == GO) {
            Standby.go(body.getInt(1));
            return true;
        } else if (tag == DISCONNECT) {
            if (Standby.waiting()) {
                Runtime.getRuntime().halt(OK); // a standby never used: no app ran, nothing to drain or stop
            }
            synchronized (this) {
                leaving = true;
            }
            Thread leave = new Thread(null, new Role(Role.LEAVE), "brigade-disconnect", 256 * 1024);
            leave.setDaemon(false);
            leave.start();
            return false;
        }
        throw new IOException("unexpected frame tag " + tag + " from the primary");
    }

    /** The app's main thread ended and the app took nothing over: nobody will answer what was held. */
    private void mainEnded() {
        List<ByteBuffer> requests = new ArrayList<>();
        synchronized (this) {
            if (mainEnded || takeOverWanted) {
                return;
            }
            mainEnded = true;
            for (ByteBuffer b : held) {
                if (b.get(0) == REQUEST) {
                    requests.add(b);
                }
            }
            held.clear();
        }
        for (ByteBuffer r : requests) {
            try {
                noHandler(r);
            } catch (IOException e) {
                return; // the reader sees the channel go
            }
        }
    }

    private void noHandler(ByteBuffer request) throws IOException {
        long requestId = request.getLong(1);
        byte[] text = ("worker " + id + " has no request handler (WorkerProcess.onRequest)").getBytes(StandardCharsets.UTF_8);
        ByteBuffer reply = ByteBuffer.allocate(4 + 1 + 8 + 1 + text.length);
        reply.putInt(1 + 8 + 1 + text.length).put(REPLY).putLong(requestId).put((byte) 0).put(text).flip();
        send(reply);
    }

    private void heartbeatLoop() {
        ByteBuffer beat = ByteBuffer.allocate(5).putInt(1).put(HEARTBEAT).flip();
        long pause = heartbeatMillis > 0 ? heartbeatMillis : 1000;
        try {
            while (true) {
                if (!mainThread.isAlive()) {
                    mainEnded();
                }
                if (heartbeatMillis > 0 && !send(beat.duplicate())) {
                    return;
                }
                Thread.sleep(pause); // pacing, not synchronisation
            }
        } catch (IOException | InterruptedException e) {
            // channel gone: the reader handles it
        }
    }

    /** Writes a whole frame unless the app took the channel over (then false). */
    private synchronized boolean send(ByteBuffer frame) throws IOException {
        if (takeOverWanted) {
            return false;
        }
        writeFully(channel, frame);
        return true;
    }

    private void leave() {
        java.util.function.Function<Object, Object> hook = Hooks.LEAVE;
        if (hook != null) {
            hook.apply(drainMillis()); // reports its own failures
        }
        try {
            channel.close();
        } catch (IOException e) {
            // leaving anyway
        }
        System.exit(OK);
    }

    private static long drainMillis() {
        String v = System.getenv(ENV_DRAIN);
        try {
            return v == null ? DEFAULT_DRAIN_MILLIS : Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_DRAIN_MILLIS;
        }
    }

    private static ByteBuffer hello(int id, String token, long pid) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        int body = 1 + 4 + 2 + t.length + 8;
        return ByteBuffer.allocate(4 + body).putInt(body).put(HELLO).putInt(id).putShort((short) t.length).put(t).putLong(pid).flip();
    }

    /** Writes all of {@code buf}, also on a non-blocking channel (parking briefly when the socket buffer is full). */
    private static void writeFully(SocketChannel sc, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (sc.write(buf) == 0) {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** Reads one frame's body on a blocking channel. */
    private static ByteBuffer readFrameBlocking(SocketChannel sc) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        readFully(sc, header);
        int length = header.flip().getInt();
        if (length < 1 || length > 1024) {
            throw new IOException("welcome frame length " + length + " is outside 1..1024 bytes");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(sc, body);
        return body.flip();
    }

    private static void readFully(SocketChannel sc, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (sc.read(buf) < 0) {
                throw new EOFException("the primary closed the IPC channel before its welcome");
            }
        }
    }

    /** This process's id from {@code /proc/self}; {@link ProcessHandle} only where that cannot be read. */
    private static long selfPid() {
        try {
            return Long.parseLong(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self")).toString());
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }
}

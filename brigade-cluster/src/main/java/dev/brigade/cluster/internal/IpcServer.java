package dev.brigade.cluster.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The primary's IPC endpoint: one Unix domain socket in a fresh 0700 directory (the socket
 * file itself 0600), so only this user can even connect; each connection must then open with a
 * {@link Frame.Hello} carrying its worker's token within 10 s. A connection that fails that is
 * closed and logged; the server goes on.
 */
public final class IpcServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");

    /** Finds the worker a hello claims to be; null if no worker with that id awaits a connection. */
    public interface Registry {
        Connectable find(int workerId);
    }

    /** A worker waiting for its connection. */
    public interface Connectable {
        String token();

        /** Takes over the authenticated channel (sends the welcome and reads from it). */
        void attach(IpcChannel channel, Frame.Hello hello) throws IOException;
    }

    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Registry registry;
    private final ScheduledExecutorService timer;
    private final int maxFrame;

    public IpcServer(Registry registry, ScheduledExecutorService timer, int maxFrame) throws IOException {
        this.registry = registry;
        this.timer = timer;
        this.maxFrame = maxFrame;
        sweepStale();
        // mkdir with a random name and 0700 from the start: exclusive, so nothing another user planted is ever reused
        this.dir = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        this.socket = dir.resolve("ipc.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Thread.ofPlatform().daemon().name("brigade-ipc-accept").start(this::acceptLoop);
    }

    /** IPC directories are named {@code brigade-ipc-PID-RANDOM} after their primary's pid. */
    static final String PREFIX = "brigade-ipc-";
    private static final java.util.concurrent.atomic.AtomicBoolean SWEPT = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Once per JVM: deletes the IPC directories (and their socket) of primaries that died without closing them
     * (a SIGKILL), in the temporary directory: only this user's, only those whose pid no longer runs.
     */
    public static void sweepStale() {
        if (!SWEPT.compareAndSet(false, true)) {
            return;
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            for (Path d : dirs) {
                String[] parts = d.getFileName().toString().substring(PREFIX.length()).split("-", 2);
                if (parts.length != 2 || !parts[0].matches("[0-9]{1,10}") || ProcessHandle.of(Long.parseLong(parts[0])).isPresent()
                        || (Integer) Files.getAttribute(d, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS) != me
                        || !Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (var files = Files.newDirectoryStream(d)) {
                    for (Path f : files) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(d);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "sweeping stale IPC directories failed: " + e);
        }
    }

    /** The socket's path, given to workers in {@code BRIGADE_IPC_PATH}. */
    public Path path() {
        return socket;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel sc = server.accept();
                Thread.ofPlatform().daemon().name("brigade-ipc-hello").start(() -> handshake(sc));
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.log(Level.WARNING, "IPC accept failed", e);
                }
            }
        }
    }

    /** The most bytes queued for a worker that does not read its channel, before it is disconnected. */
    static long queueLimit(int maxFrame) {
        return Long.getLong("brigade.ipc.maxQueuedBytes", Math.max(16L << 20, 4L * maxFrame));
    }

    private void handshake(SocketChannel sc) {
        IpcChannel channel;
        try {
            channel = new IpcChannel(sc, Math.min(maxFrame, 4096), "an IPC client that has not said hello", queueLimit(maxFrame));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "IPC connection dropped: " + e.getMessage());
            try {
                sc.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            return;
        }
        var deadline = timer.schedule(channel::close, 10, TimeUnit.SECONDS);
        Frame.Hello hello = null;
        try {
            Frame first = channel.read();
            deadline.cancel(false);
            if (!(first instanceof Frame.Hello h)) {
                throw new ProtocolException("first frame is " + first.getClass().getSimpleName() + ", expected Hello");
            }
            hello = h;
            Connectable worker = registry.find(h.workerId());
            if (worker == null) {
                throw new ProtocolException("no worker " + h.workerId() + " is waiting for a connection");
            }
            if (!MessageDigest.isEqual(worker.token().getBytes(StandardCharsets.UTF_8), h.token().getBytes(StandardCharsets.UTF_8))) {
                throw new ProtocolException("wrong token for worker " + h.workerId());
            }
            channel.maxFrame(maxFrame);
            channel.peer("worker " + h.workerId());
            worker.attach(channel, h);
        } catch (IOException | RuntimeException e) {
            deadline.cancel(false);
            LOG.log(Level.WARNING, "IPC connection rejected" + (hello == null ? "" : " (pid " + hello.pid() + ")")
                    + ": " + e.getMessage());
            channel.close();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove IPC directory " + dir, e);
        }
    }
}

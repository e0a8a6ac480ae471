package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterException;
import dev.brigade.cluster.ClusterException.Code;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.ExitStatus;
import dev.brigade.cluster.Signal;
import dev.brigade.cluster.WorkerState;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One worker process seen from the primary: its state machine, its IPC channel (read on the
 * thread that accepted it, frames dispatched by one exhaustive switch) and the ways to stop it.
 * What happens after it exits is the {@link Owner}'s business.
 */
final class Child implements ClusterWorker, IpcServer.Connectable {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");

    /** What a child needs from its primary. */
    interface Owner {
        void publish(ClusterEvent event);

        /** Called once the process was reaped, before {@link Child#exit()} completes. */
        void exited(Child child, ExitStatus status);

        CompletionStage<byte[]> answer(Child child, byte[] request);

        Object decode(byte[] payload);

        byte[] encode(Object message);

        java.util.concurrent.ScheduledExecutorService timer();

        Duration killTimeout();

        int heartbeatMillis();

        int maxFrameBytes();
    }

    final int id;
    volatile int instance;                    // a standby's is -1 until it takes a slot
    private final String token;
    private final Owner owner;
    private final AtomicReference<WorkerState> state = new AtomicReference<>(WorkerState.STARTING);
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> appStopped = new CompletableFuture<>(); // see noticesEnded
    private final CompletableFuture<ClusterWorker> online = new CompletableFuture<>();
    private final CompletableFuture<ClusterWorker> listening = new CompletableFuture<>();
    private final List<Frame> backlog = new java.util.ArrayList<>(); // guarded by this; sent before online
    private final java.util.concurrent.CountDownLatch forked = new java.util.concurrent.CountDownLatch(1);
    volatile long startedNanos = System.nanoTime(); // a standby's: when it took its slot
    private volatile int pid;
    private volatile OutputPump stdout, stderr;
    private volatile IpcChannel channel;
    private volatile Correlator correlator;
    private volatile ScheduledFuture<?> killTimer;
    volatile long lastHeartbeatNanos;
    volatile boolean stopRequested, replaceRequested, hung, wasOnline, trainsArchive;
    private Object[] earlyListening; // guarded by this: {host, port} noticed while STARTING, applied once online
    volatile boolean recording;               // records the class-data archive now: a longer heartbeat timeout (Watchdog)
    /** Asked before the worker is told to stop; it is told once the future completes (a recorder being asked to write). */
    volatile java.util.function.Supplier<CompletableFuture<Void>> beforeLeave = () -> CompletableFuture.completedFuture(null);
    /** Asked as a recorder is told to stop: true if its recording is of a version replaced since, and is dropped. */
    volatile java.util.function.BooleanSupplier dropsRecording = () -> false;
    private volatile boolean recordingDropped; // as it was told to stop: it is stopped once its app's shutdown hooks ran
    private volatile boolean gone;            // reaped
    /**
     * Started ahead and held before its app's main until it takes a slot (the primary clears this, then calls
     * {@link #activate}): no event of it is published before (the primary drops them), and it is no worker of the
     * cluster's.
     */
    volatile boolean standby;
    /** What a standby's start depended on (its archive, the jars' size and time): {@code Archive#standbyKey}. */
    volatile String standbyKey;
    /** A standby started for a version no worker runs yet ({@code Standbys#follow}): its failure is no standby's. */
    volatile boolean followsDeploy;
    private final java.util.concurrent.atomic.AtomicBoolean onlinePublished = new java.util.concurrent.atomic.AtomicBoolean();
    private final Inbox requests;             // the primary's request handlers run there, not on this worker's reader

    Child(int id, int instance, String token, Owner owner) {
        this.id = id;
        this.instance = instance;
        this.token = token;
        this.owner = owner;
        this.requests = new Inbox("brigade-requests-worker-" + id, new Answer());
    }

    /** Answers a request of this worker on its inbox's thread, where the handler may block (see {@link Inbox}). */
    private final class Answer implements Inbox.Handler, java.util.function.Function<byte[], CompletionStage<byte[]>> {
        @Override
        public void handle(Frame frame) {
            correlator.serve((Frame.Request) frame, this);
        }

        @Override
        public CompletionStage<byte[]> apply(byte[] payload) {
            return owner.answer(Child.this, payload);
        }
    }

    /**
     * The primary recorded this worker's process and published its Fork event. A worker can say hello
     * before that (seen on a loaded machine: the hello came while the primary was still starting the
     * worker's output threads, and was refused with "worker 18 has pid 0"); it then waits here.
     */
    void forkPublished() {
        forked.countDown();
    }

    void started(Spawner.Spawned sp, OutputPump out, OutputPump err, CompletableFuture<ExitStatus> reaped) {
        this.pid = sp.pid();
        this.stdout = out;
        this.stderr = err;
        reaped.whenComplete((status, error) -> {
            gone = true;                      // from now on its pid may be another process's: never signal it
            ScheduledFuture<?> t = killTimer;
            if (t != null) {
                t.cancel(false);
            }
            // First the grandchildren left in its process group: they may hold its stdout and stderr open.
            // (A group with members keeps its id: no new process can have it.)
            Spawner.kill(pid, Signal.SIGKILL.number(), true);
            try {
                // Then its last lines, which reports quote: on a busy machine the pumps may not have read them yet.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                out.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                err.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            IpcChannel ch = channel;
            if (ch != null) {
                ch.close();
            }
            online.completeExceptionally(new ClusterException(Code.CHANNEL_CLOSED, this + " exited before it came online"));
            ExitStatus st = status != null ? status : ExitStatus.killedBy(Signal.SIGKILL.number());
            try {
                owner.exited(this, st);
            } finally {
                exit.complete(st);
                String why = "worker " + id + " exited (" + st + ") before it was ready";
                online.completeExceptionally(new IllegalStateException(why));
                listening.completeExceptionally(new IllegalStateException(why));
            }
        });
    }

    boolean moveTo(WorkerState next) {
        while (true) {
            WorkerState now = state.get();
            if (!now.canMoveTo(next)) {
                return false;
            }
            if (state.compareAndSet(now, next)) {
                return true;
            }
        }
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public void attach(IpcChannel ch, Frame.Hello hello) throws IOException {
        try {
            if (!forked.await(10, TimeUnit.SECONDS)) {
                throw new ProtocolException("worker " + id + " said hello but its spawn did not complete within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException("interrupted while worker " + id + " was being spawned");
        }
        synchronized (this) {
            if (channel != null || state.get() != WorkerState.STARTING) {
                throw new ProtocolException("worker " + id + " is already connected or no longer starting (" + state.get() + ")");
            }
            if (hello.pid() != pid) {
                throw new ProtocolException("worker " + id + " has pid " + pid + " but the hello came from pid " + hello.pid());
            }
            // before the welcome: a worker may exit as soon as it has it, and that exit is a crash, not a boot failure
            lastHeartbeatNanos = System.nanoTime();
            wasOnline = true;
            ch.send(new Frame.Welcome(owner.heartbeatMillis(), owner.maxFrameBytes()));
            for (Frame f : backlog) {
                ch.send(f);
            }
            backlog.clear();
            correlator = new Correlator("worker " + id, ch, ch);
            channel = ch;
        }
        Thread.currentThread().setName("brigade-ipc-worker-" + id);
        if (moveTo(WorkerState.ONLINE) && !standby) {
            publishOnline();
        }
        online.complete(this);
        Object[] early;
        synchronized (this) {
            early = earlyListening;
            earlyListening = null;
        }
        if (early != null) {
            markListening((String) early[0], (Integer) early[1]);
        }
        serve(ch);
    }

    private void serve(IpcChannel ch) {
        String why = "worker closed it";
        try {
            while (true) {
                Frame frame = ch.read();
                switch (frame) {
                    case Frame.Heartbeat h -> lastHeartbeatNanos = System.nanoTime();
                    case Frame.Listening l -> markListening(l.host(), l.port());
                    case Frame.Message m -> message(m);
                    case Frame.Request r -> requests.put(r);
                    case Frame.Reply r -> correlator.complete(r);
                    case Frame.Hello h -> throw new ProtocolException("unexpected second hello");
                    case Frame.Welcome w -> throw new ProtocolException("unexpected welcome from a worker");
                    case Frame.Disconnect d -> throw new ProtocolException("unexpected disconnect from a worker");
                    case Frame.Go g -> throw new ProtocolException("unexpected go from a worker");
                }
            }
        } catch (EOFException e) {
            // the worker closed its end: it is exiting
        } catch (IOException | RuntimeException | InterruptedException e) {
            why = e.getMessage();
            if (ch.isOpen() && !(e instanceof InterruptedException)) {
                LOG.log(Level.WARNING, "worker " + id + " (pid " + pid + ") broke the IPC protocol: " + e.getMessage()
                        + "; disconnecting it");
                owner.publish(new ClusterEvent.Error(this, new ClusterException(Code.PROTOCOL,
                        "worker " + id + " broke the IPC protocol: " + e.getMessage(), e)));
            }
        } finally {
            requests.close();
            ch.close();
            correlator.close(why);
            owner.publish(new ClusterEvent.Disconnect(this));
            if (!exit.isDone()) {
                armKill(); // a worker exits when its channel closes; one that does not is killed
            }
        }
    }

    private void publishOnline() {
        if (onlinePublished.compareAndSet(false, true)) {
            owner.publish(new ClusterEvent.Online(this));
        }
    }

    /** A standby that took its slot: its Online event, if it is online already (attach publishes it otherwise). */
    void publishOnlineIfUp() {
        WorkerState s = state.get();
        if (s == WorkerState.ONLINE || s == WorkerState.LISTENING) {
            publishOnline();
        }
    }

    /**
     * A standby took its slot (the primary set its {@link #instance}, published its Fork, cleared {@link #standby}): it
     * is told to go, at once or after its welcome when it has not said hello yet, so its app starts only now.
     */
    void go() {
        startedNanos = System.nanoTime();
        Frame go = new Frame.Go(instance);
        IpcChannel ch;
        synchronized (this) {
            ch = channel;
            if (ch == null) {
                backlog.add(go);
                return;
            }
        }
        try {
            ch.send(go);
        } catch (IOException e) {
            // its channel is gone: it is exiting, and its exit is seen as any worker's
        }
    }

    /** True once the worker was reaped. */
    boolean gone() {
        return gone;
    }

    /**
     * The worker accepts on {@code host:port} (said over IPC, or noticed by the agent). A notice can come while the
     * worker is still STARTING here: the agent writes it once it has the welcome, which {@link #attach} sends before it
     * moves the worker ONLINE; it is then kept and applied by attach, once the worker is online.
     */
    void markListening(String host, int port) {
        synchronized (this) {
            if (state.get() == WorkerState.STARTING) {
                earlyListening = new Object[] {host, port};
                return;
            }
        }
        if (moveTo(WorkerState.LISTENING) || state.get() == WorkerState.LISTENING) {
            owner.publish(new ClusterEvent.Listening(this, host, port));
        }
        listening.complete(this);
    }

    /** Completes once the worker listens; fails if it exits first. */
    CompletableFuture<ClusterWorker> listening() {
        return listening;
    }

    private void message(Frame.Message m) {
        Object msg;
        try {
            msg = owner.decode(m.payload());
        } catch (IllegalArgumentException e) {
            owner.publish(new ClusterEvent.Error(this, new ClusterException(Code.PROTOCOL,
                    "worker " + id + " sent a message the codec cannot decode: " + e.getMessage(), e)));
            return;
        }
        owner.publish(new ClusterEvent.Message(this, msg));
    }

    /**
     * SIGKILLs the whole tree after the kill timeout (a recording worker: {@link Archive#EXIT_WRITE_MILLIS} later)
     * unless the worker exited first.
     */
    synchronized void armKill() {
        if (killTimer == null && !exit.isDone()) {
            // a recording worker writes its recording as it exits, after its app stopped: cut off, it would be lost
            long millis = owner.killTimeout().toMillis() + (recording ? Archive.EXIT_WRITE_MILLIS : 0);
            killTimer = owner.timer().schedule(this::killTree, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** SIGKILL to the worker, its process group, and descendants that left the group. */
    void killTree() {
        if (gone || exit.isDone() || pid == 0) {
            return;
        }
        List<ProcessHandle> descendants = ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of());
        signalIfAlive(Signal.SIGKILL.number(), true);
        signalIfAlive(Signal.SIGKILL.number(), false);
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Stops a standby that was never used with SIGKILL: nothing of its app ran, and a JVM that exits otherwise, even by
     * {@code halt}, first writes what it recorded (a recording standby's half-second of CPU, taken from the start it
     * was dropped for).
     */
    void dropUnused() {
        dropUnused(Runnable::run);
    }

    /** {@link #dropUnused()}, the kill run by {@code later} (at once if it takes no more work). */
    void dropUnused(java.util.concurrent.Executor later) {
        stopRequested = true;
        moveTo(WorkerState.DISCONNECTING);
        lowestPriority();
        try {
            later.execute(this::killTree);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            killTree();
        }
    }

    /**
     * Its agent ended the listening notices: a leaving worker's agent does so once the app's shutdown hooks ran, and
     * any process as it exits. A recorder whose recording was dropped ({@link #dropsRecording}) is then stopped
     * (SIGKILL) before its JVM writes it as it exits: a second or more of CPU, beside the new workers' starts, for a
     * version that no longer runs.
     */
    void noticesEnded() {
        appStopped.complete(null);
        if (recordingDropped && stopRequested && !exit.isDone()) {
            killTree();
        }
    }

    /**
     * Completes once its app stopped: its agent ended the listening notices after the app's shutdown hooks ran (what
     * is left is the JVM's own exit), or it exited.
     */
    CompletableFuture<?> appStopped() {
        return CompletableFuture.anyOf(appStopped, exit);
    }

    /** True once its recording was dropped as it was told to stop ({@link #dropsRecording}). */
    boolean recordingDropped() {
        return recordingDropped;
    }

    /** Its exit, which follows, takes no CPU from the processes that serve or start ({@link Spawner#lowestPriority}). */
    private void lowestPriority() {
        if (!gone && pid != 0) {
            Spawner.lowestPriority(pid);
        }
    }

    /** Signals the worker (or its process group) unless it was reaped: pids are reused, soon where pid_max is small. */
    private void signalIfAlive(int signal, boolean group) {
        if (!gone && pid != 0) {
            Spawner.kill(pid, signal, group);
        }
    }

    @Override
    public CompletableFuture<ExitStatus> disconnect() {
        stopRequested = true;
        if (exit.isDone() || !moveTo(WorkerState.DISCONNECTING)) {
            return exit;
        }
        recordingDropped = recording && dropsRecording.getAsBoolean();
        whenFreeToLeave(() -> {
            IpcChannel ch = channel;
            try {
                if (ch == null) {
                    throw new IOException("not connected");
                }
                ch.send(new Frame.Disconnect());
            } catch (IOException e) {
                signalIfAlive(Signal.SIGTERM.number(), true);
            }
        });
        return exit;
    }

    @Override
    public CompletableFuture<ExitStatus> kill() {
        stopRequested = true;
        moveTo(WorkerState.DISCONNECTING);
        whenFreeToLeave(() -> signalIfAlive(Signal.SIGTERM.number(), true));
        return exit;
    }

    /**
     * Runs {@code tell} (the stop request) and arms the kill timer once {@link #beforeLeave} allows: at once, on this
     * thread, when it already does (as nearly always), else on the thread that allows it.
     */
    private void whenFreeToLeave(Runnable tell) {
        beforeLeave.get().whenComplete((v, e) -> {
            tell.run();
            armKill();
        });
    }

    @Override
    public void signal(Signal signal) {
        signalIfAlive(signal.number(), false);
    }

    @Override
    public void send(Object message) {
        Frame frame = new Frame.Message(owner.encode(message));
        IpcChannel ch;
        synchronized (this) {
            ch = channel;
            if (ch == null && state() == WorkerState.STARTING) {
                backlog.add(frame);
                return;
            }
        }
        if (ch == null) {
            throw new ClusterException(Code.CHANNEL_CLOSED, "worker " + id + " is " + state() + ", not connected");
        }
        try {
            ch.send(frame);
        } catch (IOException e) {
            throw new ClusterException(Code.CHANNEL_CLOSED, "cannot send to worker " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Object> request(Object message, Duration timeout) {
        byte[] payload = owner.encode(message);
        Correlator c = correlator;
        if (c != null) {
            return c.request(payload, timeout).thenApply(owner::decode);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Object> reply = online.thenCompose(w -> correlator.request(payload,
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))).thenApply(owner::decode);
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> reply.completeExceptionally(
                new ClusterException(Code.REQUEST_TIMEOUT, "request to " + this + " got no reply within " + timeout.toMillis()
                        + " ms (it was not online yet)")));
        return reply;
    }

    @Override public int id() { return id; }

    @Override public int instance() { return instance; }

    @Override public long pid() { return pid; }

    @Override public WorkerState state() { return state.get(); }

    @Override public boolean isConnected() { IpcChannel ch = channel; return ch != null && ch.isOpen(); }

    @Override public boolean exitedAfterDisconnect() { return stopRequested; }

    @Override public CompletableFuture<ExitStatus> exit() { return exit; }

    @Override public CompletableFuture<ClusterWorker> online() { return online; }

    @Override public List<String> lastStderr() { OutputPump e = stderr; return e == null ? List.of() : e.tail(); }

    /** "; its last stderr lines: ..." for reports, or "" if it wrote none. */
    String stderrTail() {
        List<String> t = lastStderr();
        return t.isEmpty() ? "" : "; its last stderr lines:\n  " + String.join("\n  ", t);
    }

    List<String> lastStdout() { OutputPump o = stdout; return o == null ? List.of() : o.tail(); }

    @Override
    public String toString() {
        return "worker " + id + " (instance " + instance + ", pid " + pid + ", " + state() + ")";
    }

}

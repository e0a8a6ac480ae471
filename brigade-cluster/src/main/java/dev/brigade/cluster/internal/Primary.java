package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterEvent;
import dev.brigade.cluster.ClusterException;
import dev.brigade.cluster.ClusterException.Code;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ClusterWorker;
import dev.brigade.cluster.ExitStatus;
import dev.brigade.cluster.OutputLine;
import dev.brigade.cluster.WorkerState;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The primary: spawns workers into instance slots, and decides what follows each exit.
 *
 * <h2>How a worker lives</h2>
 * {@link #fork} claims the lowest free slot index and {@link #spawn}s a {@link Child} in it: the
 * {@link ProcessStarter} gives it a fresh id and token and starts its process (command line,
 * environment, inherited descriptors), then two {@link OutputPump}s feeding the
 * {@link OutputSink}, and a {@link Reaper} thread blocked in {@code waitpid(pid)}. The worker
 * connects to the {@link IpcServer}, which finds the child by id ({@link #find}) and checks its
 * token; the child is then ONLINE and serves its channel on that connection's thread.
 *
 * <h2>How it ends</h2>
 * Whatever the cause (crash, signal, disconnect, hang, memory, protocol error), the one
 * authority on a worker's end is its reaper: {@link #exited} runs once, after the process was
 * reaped and its pipes drained (so the stderr tail is complete). It asks the slot's
 * {@link Supervisor} what to do, under this object's lock, so that a shutdown that starts
 * concurrently can never be followed by a restart: {@code closing} is read under the same lock.
 * The causes only set flags on the child first ({@code stopRequested}, {@code replaceRequested})
 * and trigger the end; they never restart anything themselves. Restarts with a delay go through
 * the timer and re-check {@code closing} before spawning.
 *
 * <h2>Threads</h2>
 * Per worker: a reaper, two pumps, one IPC reader. Per cluster: the accept thread, the timer
 * (watchdog, restarts, kill timeouts), the event thread and the output thread. Nothing here
 * blocks the event thread, so listeners may call back into the cluster.
 */
public final class Primary implements IpcServer.Registry, Child.Owner, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");

    private final ClusterSettings settings;
    private final Archive archive;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("brigade-cluster-timer").unstarted(r));
    private final EventBus events = new EventBus();
    private final OutputSink output;
    private final IpcServer ipc;
    private final Watchdog watchdog;
    private final Map<Integer, Child> live = new ConcurrentHashMap<>();
    private final Map<Integer, Slot> slots = new HashMap<>(); // guarded by this
    private final List<Listeners.Listener> listeners;
    private final PortGate gate;
    private final ProcessStarter starter;
    private final Requests requests = new Requests();
    private final Lifetime lifetime = new Lifetime();
    private final java.util.concurrent.atomic.AtomicInteger exitsInFlight = new java.util.concurrent.atomic.AtomicInteger(); // exited, events not yet delivered
    private boolean closing; // guarded by this
    private final Standbys standbys;

    /** An instance index and its restart history; holds the current worker. */
    static final class Slot {
        final int instance;
        final Supervisor supervisor;
        Child current; // guarded by Primary.this: the worker this slot restarts; a reload swaps it

        Slot(int instance, Supervisor supervisor) {
            this.instance = instance;
            this.supervisor = supervisor;
        }
    }

    public Primary(ClusterSettings settings) throws IOException {
        this.listeners = Ports.bindAll(settings.listen()); // first: a port in use fails before anything starts
        this.gate = new PortGate(listeners);
        this.settings = settings;
        CommandLine.Parts parts = CommandLine.parts(settings);
        this.archive = new Archive(settings.classDataArchive(), settings.archiveDir(), settings.java(), parts);
        this.output = new OutputSink(settings.output(), settings.outputBufferLines());
        this.ipc = new IpcServer(this, timer, settings.maxFrameBytes());
        this.watchdog = new Watchdog(this, settings, timer);
        this.starter = new ProcessStarter(settings, parts, archive, ipc.path(), listeners);
        this.standbys = new Standbys(this, settings.standby() && CommandLine.agentRunsApp(parts), archive, timer);
    }

    /** Descriptors every new worker inherits as fd 3, 4, ... (listening sockets, issue 5). */
    public void inherit(List<Integer> fds) {
        starter.inherit(fds);
    }

    public List<ClusterWorker> fork(int n) {
        List<ClusterWorker> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Slot slot;
            synchronized (this) {
                if (closing) {
                    throw new IllegalStateException("cluster is shut down: cannot fork");
                }
                int index = 0;
                while (slots.containsKey(index)) {
                    index++;
                }
                slot = new Slot(index, new Supervisor(settings.restart()));
                slots.put(index, slot);
                lifetime.busy();
            }
            try {
                started.add(spawn(slot, true));
            } catch (IOException e) {
                synchronized (this) {
                    slots.remove(slot.instance);
                }
                checkIdle();
                throw new ClusterException(Code.SPAWN_FAILED, "cannot spawn a worker with " + settings.java() + ": " + e.getMessage(), e);
            }
        }
        return started;
    }

    /** @param takeSlot whether the new worker becomes the slot's current one now (a reload waits until it is ready) */
    private Child spawn(Slot slot, boolean takeSlot) throws IOException {
        for (Child ready = standbys.take(); ready != null; ready = standbys.take()) {
            if (activate(ready, slot, takeSlot)) {
                return ready;
            }
        }
        Child child = starter.newChild(slot.instance, this);
        List<String> archiveFlags = archive.nextFlags();
        start(child, archiveFlags, takeSlot ? slot : null);
        publish(new ClusterEvent.Fork(child));
        child.forkPublished(); // its hello, which may have come already, is served from now on
        watchStart(child);
        return child;
    }

    /**
     * A standby worker ({@link Standbys}) takes {@code slot}, and its app starts; false if it exited meanwhile. Under
     * this lock, as {@link #decide} tells a standby's exit from a worker's: one that died before it took the slot is a
     * failed standby, one that died after is the slot's worker. Its events keep a worker's order: Fork is published
     * before its own events may be (they are dropped while it is a standby), Online (if it is online already) before
     * the lock that its Exit waits for is released.
     */
    private boolean activate(Child child, Slot slot, boolean takeSlot) {
        synchronized (this) {
            WorkerState s = child.state();
            if (!child.standby || !(s == WorkerState.STARTING || s == WorkerState.ONLINE) || child.gone() || closing) {
                return false; // exited, or being stopped (a memory check): not a worker to give a slot
            }
            child.instance = slot.instance;
            if (takeSlot) {
                slot.current = child;
            }
            events.publish(new ClusterEvent.Fork(child));
            child.standby = false;
            child.publishOnlineIfUp();
        }
        child.go();
        if (child.trainsArchive) {
            archive.went(child.pid()); // a recording standby: its app runs now
        }
        watchStart(child); // from now: a standby taken before it came online is a boot failure of the slot's if it never does
        return true;
    }

    /** A standby worker, started like any worker but held before its app's main ({@link Standbys}). */
    Child startStandby(List<String> archiveFlags, String key, boolean followsDeploy) throws IOException {
        Child child = starter.newChild(-1, this);
        child.standby = true;
        child.standbyKey = key;
        child.followsDeploy = followsDeploy;
        start(child, archiveFlags, null);
        synchronized (this) {
            if (closing) { // the shutdown may have disconnected the live workers before this one was among them
                child.stopRequested = true;
                child.killTree();
            }
        }
        child.forkPublished();
        timer.schedule(() -> {
            if (child.standby && child.state() == WorkerState.STARTING) {
                child.killTree(); // its exit counts as a failed standby (one taken meanwhile is watched as a worker)
            }
        }, settings.onlineTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return child;
    }

    /** Starts {@code child}'s process, its output pumps and its reaper; it becomes {@code slot}'s worker (if any) before it can exit. */
    private void start(Child child, List<String> archiveFlags, Slot slot) throws IOException {
        int id = child.id;
        Spawner.Spawned sp = starter.start(child, archiveFlags);
        live.put(id, child);
        if (slot != null) {
            synchronized (this) {
                slot.current = child;
            }
        }
        OutputPump out = OutputPump.start(sp.stdoutFd(), l -> {
            if (!archive.isNoise(l)) { // the JVM's "AOTConfiguration recorded" line is Brigade's business, not the app's
                output.offer(new OutputLine(id, false, l));
            }
        }, "brigade-out-" + id);
        OutputPump err = OutputPump.start(sp.stderrFd(), l -> output.offer(new OutputLine(id, true, l)), "brigade-err-" + id);
        var reaped = Reaper.watch(sp.pid(), Integer.toString(id));
        child.trainsArchive = archive.isTraining(archiveFlags);
        child.started(sp, out, err, reaped);
    }

    /** Reports and kills a worker that does not come online in time; reports one that does not listen in time. */
    private void watchStart(Child child) {
        timer.schedule(() -> {
            if (child.state() == WorkerState.STARTING) {
                publish(new ClusterEvent.Error(child, new ClusterException(Code.BOOT_FAILED, child
                        + " did not come online within " + settings.onlineTimeout().toMillis() + " ms (onlineTimeout); killing it")));
                child.killTree();
            }
        }, settings.onlineTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (!listeners.isEmpty()) {
            timer.schedule(() -> notListening(child), settings.listenTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void exited(Child child, ExitStatus status) {
        exitsInFlight.incrementAndGet(); // before it leaves `live`: another exit's idle check must wait for its events
        live.remove(child.id);
        output.flush(1000); // its last lines before its Exit event
        try {
            decide(child, status);
        } finally {
            events.then(() -> { // after the events of this exit: listeners run before the JVM may end
                exitsInFlight.decrementAndGet();
                checkIdle();
            });
        }
    }

    /**
     * When nothing runs, nothing will be restarted and no exit's events are still on their way,
     * the primary no longer holds the JVM ({@link Lifetime}).
     */
    private void checkIdle() {
        boolean noSlot;
        synchronized (this) {
            noSlot = slots.isEmpty();
            if (live.isEmpty() && noSlot && exitsInFlight.get() == 0) {
                lifetime.idle();
            }
        }
        if (noSlot) {
            standbys.dismiss(); // nothing left to restart (a live standby kept the primary busy: its exit comes back here)
        }
    }

    /** True while slots are held and the cluster is not closing: a standby is worth having. */
    synchronized boolean wantsStandby() {
        return !closing && !slots.isEmpty();
    }

    /** Waits until no worker runs and none will start, or the cluster is closed; false if {@code nanos} passed first. */
    public boolean awaitTermination(long nanos) throws InterruptedException {
        return lifetime.await(nanos);
    }

    private void decide(Child child, ExitStatus status) {
        boolean standby;
        synchronized (this) { // see activate
            standby = child.standby;
            if (standby) {
                child.moveTo(WorkerState.EXITED);
            }
        }
        if (standby) {
            standbys.exited(child, status);
            return;
        }
        if (child.trainsArchive && !child.recordingDropped()) { // a dropped one's exit is no recording's (the next may have begun)
            archive.trainerExited(child.pid(), !child.stopRequested && !child.replaceRequested); // a crash: its recording is not used
        }
        Supervisor.Decision decision;
        Slot slot;
        synchronized (this) {
            slot = slots.get(child.instance);
            if (slot != null && slot.current != child) {
                // replaced by a reload or scaled away while it drained: nothing to decide for the slot
                child.moveTo(WorkerState.EXITED);
                publish(new ClusterEvent.Exit(child, status, child.stopRequested));
                return;
            }
            if (closing || slot == null) {
                decision = new Supervisor.Decision.Stop();
            } else {
                decision = slot.supervisor.decide(new Supervisor.Outcome(status, child.wasOnline, child.stopRequested,
                        child.replaceRequested, child.startedNanos, System.nanoTime()));
                if (!(decision instanceof Supervisor.Decision.Restart)) {
                    slots.remove(child.instance);
                }
            }
        }
        boolean gaveUp = decision instanceof Supervisor.Decision.GiveUp;
        child.moveTo(gaveUp ? WorkerState.ERRORED : WorkerState.EXITED);
        publish(new ClusterEvent.Exit(child, status, child.stopRequested));
        switch (decision) {
            case Supervisor.Decision.Stop s -> { }
            case Supervisor.Decision.GiveUp g -> {
                String msg = child + " " + g.reason() + "; not restarting it" + child.stderrTail();
                LOG.log(Level.ERROR, msg);
                publish(new ClusterEvent.Error(child, new ClusterException(g.bootFailure() ? Code.BOOT_FAILED : Code.CRASH_LOOP, msg)));
            }
            case Supervisor.Decision.Restart r -> {
                LOG.log(Level.INFO, child + " exited (" + status + "); restarting instance " + slot.instance
                        + (r.delay().isZero() ? " now" : " in " + r.delay().toMillis() + " ms"));
                timer.schedule(() -> respawn(slot), r.delay().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void respawn(Slot slot) {
        synchronized (this) {
            if (closing || slots.get(slot.instance) != slot) {
                return;
            }
        }
        try {
            spawn(slot, true);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                slots.remove(slot.instance);
            }
            checkIdle();
            LOG.log(Level.ERROR, "cannot respawn instance " + slot.instance + ": " + e.getMessage(), e);
        }
    }

    /** The ports the workers serve, as bound (a declared port 0 resolved), in declaration order. */
    public List<Integer> ports() {
        return Ports.ports(listeners);
    }

    /** Rolling reload, {@code batch} workers at a time: see {@link Rollout#reload}. */
    public int reload(int batch) {
        return new Rollout(this, settings).reload(batch);
    }

    /** The slots to reload, lowest instance first. */
    synchronized List<Slot> slotsInOrder() {
        if (closing) {
            throw new IllegalStateException("cluster is shut down: cannot reload");
        }
        return slots.values().stream().sorted((a, b) -> Integer.compare(a.instance, b.instance)).toList();
    }

    /** Starts a worker for {@code slot} that does not take it over yet (a reload's new worker). */
    Child spawnCandidate(Slot slot) throws IOException {
        return spawn(slot, false);
    }

    /** Makes {@code fresh} the worker {@code slot} restarts; returns the one it replaces. */
    synchronized Child promote(Slot slot, Child fresh) {
        Child previous = slot.current;
        slot.current = fresh;
        return previous;
    }

    /** Reported, not killed: a server may take long to start; a reload waits for it the same way. */
    private void notListening(Child child) {
        WorkerState s = child.state();
        if ((s == WorkerState.STARTING || s == WorkerState.ONLINE) && !child.listening().isDone()) {
            publish(new ClusterEvent.Error(child, Ports.notListening(child, ports(), settings)));
            refuseUnlessServed();
        }
    }

    /** Never a black hole: while no worker listens after its listen timeout, the ports refuse connections (PortGate). */
    private void refuseUnlessServed() {
        boolean served = false;
        for (Child c : children()) {
            served |= c.state() == WorkerState.LISTENING;
        }
        synchronized (this) {
            if (closing) {
                return;
            }
        }
        gate.refuseUnless(served);
    }

    boolean portsDeclared() {
        return !listeners.isEmpty();
    }

    /**
     * Grows or shrinks the cluster to {@code n} workers. Growing forks into the lowest free slots;
     * shrinking disconnects the workers of the highest slots (they drain like a reload's old
     * workers) and waits for them to exit.
     */
    public void scale(int n) {
        if (n < 0 || n > 1024) {
            throw new IllegalArgumentException("scale: instances must be in 0..1024, got " + n);
        }
        List<Child> leaving = new ArrayList<>();
        int grow;
        synchronized (this) {
            if (closing) {
                throw new IllegalStateException("cluster is shut down: cannot scale");
            }
            grow = n - slots.size();
            if (grow < 0) {
                List<Integer> highest = slots.keySet().stream().sorted((a, b) -> Integer.compare(b, a)).limit(-grow).toList();
                for (int index : highest) {
                    Slot slot = slots.remove(index);
                    if (slot.current != null) {
                        leaving.add(slot.current);
                    }
                }
            }
        }
        if (grow > 0) {
            fork(grow);
        }
        Rollout.awaitGone(leaving, settings.killTimeout().plusSeconds(5));
    }

    /** Disconnects every worker, waits up to the kill timeout (then they are SIGKILLed), and frees everything. */
    public void shutdown() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
        boolean recording = false;
        for (Child c : live.values()) {
            recording |= c.recording;
            exits.add(c.disconnect());
        }
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
                    .get(settings.killTimeout().toMillis() + 3000 + (recording ? Archive.EXIT_WRITE_MILLIS : 0), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "workers still running after shutdown: " + live.keySet());
            live.values().forEach(Child::killTree);
        }
        watchdog.close();
        ipc.close();
        listeners.forEach(Listeners::close);
        timer.shutdownNow();
        try {
            output.close();
            events.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lifetime.idle();
        }
    }

    @Override
    public void close() {
        shutdown();
    }

    @Override
    public Child find(int workerId) {
        return live.get(workerId);
    }

    public List<ClusterWorker> workers() {
        return live.values().stream().filter(c -> !c.standby).sorted((a, b) -> Integer.compare(a.id, b.id)).map(c -> (ClusterWorker) c).toList();
    }

    Iterable<Child> children() {
        return live.values();
    }

    public AutoCloseable subscribe(Consumer<ClusterEvent> listener) {
        return events.subscribe(listener);
    }

    public void onRequest(BiFunction<ClusterWorker, Object, Object> handler) {
        requests.onRequest(handler);
    }

    /** Answers requests addressed to service {@code name} (see {@code Cluster.service}). */
    public void service(String name, BiFunction<ClusterWorker, Object, Object> handler) {
        requests.service(name, handler);
    }

    public String describe() {
        return starter.describe() + "\n  standby worker: " + standbys.describe();
    }

    /** The IPC socket's path. */
    public java.nio.file.Path ipcPath() {
        return ipc.path();
    }

    /** Lines of worker output dropped because the output consumer was too slow. */
    public long droppedOutputLines() {
        return output.dropped();
    }

    @Override
    public void publish(ClusterEvent event) {
        if (event.worker() instanceof Child c && c.standby) {
            return; // a standby is nobody's worker until it takes a slot (Standbys)
        }
        if (event instanceof ClusterEvent.Listening) {
            gate.served();
        }
        events.publish(event);
        if (event instanceof ClusterEvent.Listening || (event instanceof ClusterEvent.Online && listeners.isEmpty())) {
            standbys.served(); // a worker serves: the next restart's standby may start (after a while)
        }
    }

    @Override
    public CompletionStage<byte[]> answer(Child child, byte[] request) {
        return requests.answer(child, request, settings.codec());
    }

    @Override public Object decode(byte[] payload) { return settings.codec().decode(payload); }

    @Override public byte[] encode(Object message) { return settings.codec().encode(message); }

    @Override public ScheduledExecutorService timer() { return timer; }

    @Override public Duration killTimeout() { return settings.killTimeout(); }

    @Override public int heartbeatMillis() { return (int) settings.heartbeatInterval().toMillis(); }

    @Override public int maxFrameBytes() { return settings.maxFrameBytes(); }
}

package dev.brigade.worker;

import dev.brigade.worker.internal.Loop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * A worker thread: Node's {@code new Worker(...)} for the JVM.
 *
 * <pre>{@code
 * Worker w = Worker.start(Hasher.class, WorkerOptions.builder().workerData(salt).build());
 * w.onMessage(digest -> System.out.println(digest));
 * w.postMessage("hash me");
 * w.terminate().join();
 * }</pre>
 *
 * <p><b>Events</b> ({@code online}, {@code message}, {@code messageerror}, {@code error},
 * {@code exit}) run on the event loop of the thread that started the worker: the parent worker's
 * own thread for a nested worker, the process's main loop otherwise. Messages posted by the
 * worker before it exits are delivered before {@code exit}. {@code online} and {@code exit} are
 * sticky: a listener added after they happened is still called, and {@link #online()} /
 * {@link #exited()} are futures. An {@code error} or {@code messageerror} with no listener is
 * logged, and kept for the first listener added later: never lost.
 *
 * <p><b>Lifetime.</b> As in Node, a started worker keeps the JVM alive until its {@code exit}
 * event, and every message it posted before exiting, have been delivered to the listeners: a
 * {@code main} that starts a worker and returns still sees all of its events. {@link #unref()}
 * (or {@link WorkerOptions#daemon()}) lets the JVM exit without waiting for the worker;
 * {@link #ref()} undoes it. The worker's thread itself is a daemon thread: what holds the JVM
 * open is this reference, held by Brigade's main loop.
 *
 * <p><b>Stopping a thread.</b> {@link #terminate()} asks: it stops the worker's event loop and
 * interrupts its thread, which ends any blocking call (receive, Atomics.wait, sleep, I/O on
 * interruptible channels). Code that never blocks and never checks
 * {@code Thread.interrupted()} cannot be stopped by the JVM: after
 * {@link WorkerOptions#terminateGrace()} the future fails with {@link ErrorCode#ERR_WORKER_STUCK},
 * naming where the thread is. Run such code in a worker process (the cluster), which can be killed.
 */
public final class Worker {
    private final String name;
    private final WorkerOptions options;
    private final MessagePort port;           // the parent's end
    private final Loop parentLoop;
    private final Thread thread;
    private final WorkerRun run;
    private final CompletableFuture<Void> online = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final List<Runnable> onlineListeners = new CopyOnWriteArrayList<>();
    private final List<IntConsumer> exitListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Throwable>> errorListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<MessageError>> messageErrorListeners = new CopyOnWriteArrayList<>();
    // Errors that came before any listener: kept for the first one (only touched on the parent's loop),
    // as messages wait for theirs. A caller that is not a loop adds listeners while events already run.
    private static final int MAX_UNHEARD = 64;
    private final List<Throwable> unheardErrors = new ArrayList<>();
    private final List<MessageError> unheardMessageErrors = new ArrayList<>();
    private volatile CompletableFuture<Integer> termination;
    private boolean refed = true;              // guarded by this: we hold a ref on parentLoop
    private boolean abandoned;                 // guarded by this: terminate() gave up on a stuck thread

    private Worker(Object entry, WorkerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.name = options.name();
        MessagePort[] pair = MessagePort.entangled();
        this.port = pair[0];
        this.parentLoop = Loop.currentOrMain();
        this.run = new WorkerRun(this, entry, options, pair[1]);
        this.thread = new Thread(null, run, name, options.stackSize());
        thread.setDaemon(true);                // what keeps the JVM alive is the ref below, as in Node
        port.unref();                          // a message listener does not: the worker itself does, until exit
        if (options.daemon()) {
            refed = false;
        } else {
            parentLoop.ref();
        }
    }

    /**
     * Starts a worker running {@code entry} (a lambda or an instance) with default options.
     *
     * @param entry the worker's code, run on its thread
     * @return the started worker
     */
    public static Worker start(WorkerEntry entry) {
        return start(entry, WorkerOptions.defaults());
    }

    /**
     * Starts a worker running {@code entry} (a lambda or an instance).
     *
     * @param entry   the worker's code, run on its thread
     * @param options name, workerData, output sinks and the rest
     * @return the started worker
     */
    public static Worker start(WorkerEntry entry, WorkerOptions options) {
        return launch(Objects.requireNonNull(entry, "entry"), options);
    }

    /**
     * Starts a worker that instantiates {@code entryClass} on its own thread.
     *
     * @param entryClass a public class with a public no-argument constructor
     * @param options    name, workerData, output sinks and the rest
     * @return the started worker
     */
    public static Worker start(Class<? extends WorkerEntry> entryClass, WorkerOptions options) {
        return launch(Objects.requireNonNull(entryClass, "entryClass"), options);
    }

    /**
     * Starts a worker from an entry class name, loaded on the worker's thread with the context
     * class loader. A class that cannot be loaded gives an {@code error} event
     * ({@link ErrorCode#ERR_WORKER_ENTRY}) and {@code exit(1)}.
     *
     * @param entryClassName the binary name of a public {@link WorkerEntry} class with a public no-argument constructor
     * @param options        name, workerData, output sinks and the rest
     * @return the started worker
     */
    public static Worker start(String entryClassName, WorkerOptions options) {
        return launch(Objects.requireNonNull(entryClassName, "entryClassName"), options);
    }

    private static Worker launch(Object entry, WorkerOptions options) {
        Worker w = new Worker(entry, options);
        w.thread.start();
        return w;
    }

    /**
     * The worker's name, from {@link WorkerOptions#name()}.
     *
     * @return the name, also its thread's name
     */
    public String name() {
        return name;
    }

    /**
     * The worker thread's id, as its {@link WorkerContext#threadId()} reports it.
     *
     * @return the thread id
     */
    public long threadId() {
        return thread.threadId();
    }

    /**
     * The options the worker was started with.
     *
     * @return the options
     */
    public WorkerOptions options() {
        return options;
    }

    /**
     * Posts a value to the worker's {@code parentPort}. See {@link MessagePort#postMessage(Object)}.
     *
     * @param value the message (by reference; a bare ByteBuffer is copied)
     * @throws WorkerException {@link ErrorCode#ERR_PORT_CLOSED} if the worker has exited
     */
    public void postMessage(Object value) {
        postMessage(value, List.of());
    }

    /**
     * Posts a value, moving what {@code transferList} holds. See {@link MessagePort#postMessage(Object, List)}.
     *
     * @param value        the message
     * @param transferList ByteBuffers to move and MessagePorts to hand over
     * @throws WorkerException {@link ErrorCode#ERR_PORT_CLOSED} if the worker has exited, or a
     *         transfer error (nothing is changed then)
     */
    public void postMessage(Object value, List<?> transferList) {
        if (exit.isDone()) {
            throw new WorkerException(ErrorCode.ERR_PORT_CLOSED, "worker '" + name + "' has exited (code "
                    + exit.getNow(null) + "): the message was not sent");
        }
        port.postMessage(value, transferList);
    }

    /**
     * Sets the listener for the messages the worker posts on its {@code parentPort}; it runs on
     * the parent's event loop. Messages that came before it are delivered first.
     *
     * @param listener called with each message, in order
     * @return this worker
     */
    public Worker onMessage(Consumer<Object> listener) {
        port.onMessage(listener, parentLoop); // events run on the loop that started the worker
        return this;
    }

    /**
     * Takes the next message from the worker, waiting up to {@code timeout} (see {@link MessagePort#receive}).
     *
     * @param timeout the longest wait
     * @return the message, or empty if none came in time or the worker has exited with nothing queued
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public Optional<Received> receive(Duration timeout) throws InterruptedException {
        return port.receive(timeout);
    }

    /**
     * Adds a listener called once the worker's thread starts running its entry (at once if it already has).
     *
     * @param listener runs on the parent's event loop
     * @return this worker
     */
    public Worker onOnline(Runnable listener) {
        onlineListeners.add(Objects.requireNonNull(listener, "listener"));
        if (online.isDone()) {
            parentLoop.execute(() -> { if (onlineListeners.remove(listener)) listener.run(); });
        }
        return this;
    }

    /**
     * Adds a listener for the worker's uncaught exceptions (the entry's, or a handler's). Errors
     * that came before any listener are given to the first one.
     *
     * @param listener runs on the parent's event loop
     * @return this worker
     */
    public Worker onError(Consumer<Throwable> listener) {
        errorListeners.add(Objects.requireNonNull(listener, "listener"));
        parentLoop.execute(() -> replay(errorListeners, unheardErrors));
        return this;
    }

    /**
     * Adds a listener for the messages the worker accepted but never read (see {@link MessageError}).
     *
     * @param listener runs on the parent's event loop
     * @return this worker
     */
    public Worker onMessageError(Consumer<MessageError> listener) {
        messageErrorListeners.add(Objects.requireNonNull(listener, "listener"));
        parentLoop.execute(() -> replay(messageErrorListeners, unheardMessageErrors));
        return this;
    }

    /**
     * Adds a listener called with the exit code once the worker's thread has ended (at once if
     * it has), after the messages the worker posted.
     *
     * @param listener runs on the parent's event loop
     * @return this worker
     */
    public Worker onExit(IntConsumer listener) {
        exitListeners.add(Objects.requireNonNull(listener, "listener"));
        if (exit.isDone()) {
            parentLoop.execute(() -> callExit(listener, exit.join()));
        }
        return this;
    }

    /**
     * A future of the {@code online} event.
     *
     * @return a future that completes when the worker runs its entry
     */
    public CompletableFuture<Void> online() {
        return online.copy();
    }

    /**
     * A future of the {@code exit} event.
     *
     * @return a future of the exit code, completed when the worker's thread has ended
     */
    public CompletableFuture<Integer> exited() {
        return exit.copy();
    }

    /**
     * Lets the parent's event loop end while this worker runs (Node's {@code worker.unref()}): for
     * a worker started outside any worker, the JVM may then exit once {@code main} has returned
     * and nothing else keeps it alive, without waiting for this worker's {@code exit} event.
     * Idempotent; {@link #ref()} undoes it.
     *
     * @return this worker
     */
    public synchronized Worker unref() {
        if (refed) {
            refed = false;
            parentLoop.unref();
        }
        return this;
    }

    /**
     * Undoes {@link #unref()} (Node's {@code worker.ref()}): until its {@code exit} event and the
     * messages before it have been delivered, this worker keeps its parent's event loop alive,
     * and with it the JVM for a worker started outside any worker. This is the state a worker
     * starts in, unless {@link WorkerOptions#daemon()}. No effect once the worker has exited.
     *
     * @return this worker
     */
    public synchronized Worker ref() {
        if (!refed && !exit.isDone() && !abandoned) {
            refed = true;
            parentLoop.ref();
        }
        return this;
    }

    /**
     * Stops the worker: its loop stops after the handler in progress and its thread is
     * interrupted. Completes with the exit code (1), or fails with {@link ErrorCode#ERR_WORKER_STUCK}
     * if the thread has not ended after {@link WorkerOptions#terminateGrace()}. Idempotent.
     *
     * @return a future of the exit code
     */
    public synchronized CompletableFuture<Integer> terminate() {
        if (termination != null) {
            return termination;
        }
        CompletableFuture<Integer> result = new CompletableFuture<>();
        termination = result;
        exit.thenAccept(result::complete);
        if (!exit.isDone()) {
            run.terminate(thread);
            long grace = options.terminateGrace().toMillis();
            CompletableFuture.delayedExecutor(grace, TimeUnit.MILLISECONDS).execute(() -> {
                if (!exit.isDone()) {
                    WorkerException stuck = new WorkerException(ErrorCode.ERR_WORKER_STUCK, "worker '" + name
                            + "' did not stop within " + grace + " ms of terminate(): a thread can only be asked to stop,"
                            + " and code that never blocks or checks Thread.interrupted() keeps running. It is at: "
                            + where());
                    result.completeExceptionally(stuck);
                    fireError(stuck);
                    abandon();
                }
            });
        }
        return result;
    }

    /** A thread that ignored terminate() no longer holds the JVM open: it is left to run, unwatched. */
    private synchronized void abandon() {
        abandoned = true;
        unref();
    }

    private String where() {
        return Arrays.stream(thread.getStackTrace()).limit(5).map(String::valueOf).collect(Collectors.joining(" <- "));
    }

    // ---- called from the worker's thread (WorkerRun) ----

    void fireOnline() {
        parentLoop.execute(() -> {
            online.complete(null);
            for (Runnable l : onlineListeners) {
                if (onlineListeners.remove(l)) {
                    l.run();
                }
            }
        });
    }

    void fireError(Throwable t) {
        parentLoop.execute(() -> deliver(errorListeners, unheardErrors, t,
                () -> System.getLogger("dev.brigade.worker").log(System.Logger.Level.WARNING,
                        "worker '" + name + "' failed and nobody listens for its errors yet", t)));
    }

    void fireMessageError(MessageError e) {
        parentLoop.execute(() -> deliver(messageErrorListeners, unheardMessageErrors, e,
                () -> System.getLogger("dev.brigade.worker").log(System.Logger.Level.WARNING,
                        "worker '" + name + "': " + e.reason() + ": " + e.message())));
    }

    /** On the parent's loop: to the listeners there are, or logged and kept for the first one to come. */
    private static <E> void deliver(List<Consumer<E>> listeners, List<E> unheard, E event, Runnable log) {
        List<Consumer<E>> now = List.copyOf(listeners);
        if (now.isEmpty()) {
            log.run();
            if (unheard.size() == MAX_UNHEARD) {
                unheard.remove(0);            // logged already: a worker nobody ever listens to must not grow
            }
            unheard.add(event);
        }
        for (Consumer<E> l : now) {
            l.accept(event);
        }
    }

    /** On the parent's loop: events that found no listener go to the listeners there are now. */
    private static <E> void replay(List<Consumer<E>> listeners, List<E> unheard) {
        List<Consumer<E>> now = List.copyOf(listeners);
        List<E> events = List.copyOf(unheard);
        unheard.clear();
        for (E event : events) {
            for (Consumer<E> l : now) {
                l.accept(event);
            }
        }
    }

    void deliverOutput(Consumer<String> sink, String line) {
        parentLoop.execute(() -> sink.accept(line));
    }

    void fireExit(int code) {
        parentLoop.execute(() -> {
            exit.complete(code);
            for (IntConsumer l : exitListeners) {
                callExit(l, code);
            }
            synchronized (this) {
                if (refed) {
                    refed = false;
                    parentLoop.unref();
                }
            }
        });
    }

    /**
     * Runs an exit listener once, on the parent's loop, after the messages the worker posted: a
     * message listener set after the worker closed its port has its delivery queued behind this.
     */
    private void callExit(IntConsumer listener, int code) {
        if (exitListeners.remove(listener)) {
            port.deliverQueuedOn(parentLoop);
            listener.accept(code);
        }
    }

    @Override
    public String toString() {
        return "Worker[" + name + ", threadId=" + threadId() + (exit.isDone() ? ", exited " + exit.join() : "") + "]";
    }
}

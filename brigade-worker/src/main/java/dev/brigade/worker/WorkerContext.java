package dev.brigade.worker;

import java.io.PrintStream;

/**
 * What a worker sees of itself: Node's {@code parentPort}, {@code workerData}, {@code threadId}
 * and {@code isMainThread}. It is passed to {@link WorkerEntry#run}, and {@link #current()} finds
 * it from any code running on the worker's thread.
 */
public final class WorkerContext {
    private static final ThreadLocal<WorkerContext> CURRENT = new ThreadLocal<>();

    private final String name;
    private final MessagePort parentPort;
    private final Object workerData;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final WorkerRun run;

    WorkerContext(String name, MessagePort parentPort, Object workerData, PrintStream stdout, PrintStream stderr, WorkerRun run) {
        this.name = name;
        this.parentPort = parentPort;
        this.workerData = workerData;
        this.stdout = stdout;
        this.stderr = stderr;
        this.run = run;
    }

    /**
     * The context of the current thread: its worker's, or a main-thread context outside workers.
     *
     * @return the worker's context on a worker thread; a fresh main-thread context elsewhere
     */
    public static WorkerContext current() {
        WorkerContext c = CURRENT.get();
        return c != null ? c : new WorkerContext("main", null, null, System.out, System.err, null);
    }

    void bind() {
        CURRENT.set(this);
    }

    /**
     * The port to the parent: messages posted here reach {@code worker.onMessage}; null on the main thread.
     *
     * @return the port to the parent: messages posted here reach {@code worker.onMessage}; null on the main thread
     */
    public MessagePort parentPort() {
        return parentPort;
    }

    /**
     * The value given as {@link WorkerOptions#workerData()}, by reference; null on the main thread.
     *
     * @return the value given as {@link WorkerOptions#workerData()}, by reference; null on the main thread
     */
    public Object workerData() {
        return workerData;
    }

    /**
     * The worker's thread id (Java's {@code Thread.threadId()}); the current thread's on the main thread.
     *
     * @return the worker's thread id (Java's {@code Thread.threadId()}); the current thread's on the main thread
     */
    public long threadId() {
        return Thread.currentThread().threadId();
    }

    /**
     * True outside any worker.
     *
     * @return true outside any worker
     */
    public boolean isMainThread() {
        return run == null;
    }

    /**
     * The worker's name (its thread's name), or "main".
     *
     * @return the worker's name (its thread's name), or "main"
     */
    public String name() {
        return name;
    }

    /**
     * The worker's standard output, routed as {@link WorkerOptions#stdout()} says.
     *
     * @return the worker's standard output, routed as {@link WorkerOptions#stdout()} says
     */
    public PrintStream stdout() {
        return stdout;
    }

    /**
     * The worker's standard error, routed as {@link WorkerOptions#stderr()} says.
     *
     * @return the worker's standard error, routed as {@link WorkerOptions#stderr()} says
     */
    public PrintStream stderr() {
        return stderr;
    }

    /**
     * Ends the worker with {@code code} (Node's {@code process.exit} inside a worker): the current
     * handler is abandoned, no further message is handled, the parent sees {@code exit(code)}.
     *
     * @throws IllegalStateException on the main thread (use System.exit there)
     * @param code the exit code the parent sees
     */
    public void exit(int code) {
        if (run == null) {
            throw new IllegalStateException("exit() ends a worker; this is the main thread (use System.exit)");
        }
        throw run.requestExit(code);
    }
}

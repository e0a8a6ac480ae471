package dev.brigade.worker;

/**
 * The code a worker runs. Name a class that implements it (public, with a public no-argument
 * constructor) to start a worker by class — the form that can later run in a worker process
 * too — or pass a lambda for a thread worker.
 *
 * <p>{@link #run} is the worker's "script": it typically sets a listener on
 * {@link WorkerContext#parentPort()} and returns; the worker then lives on, handling messages on
 * its own thread, until nothing keeps it alive (no referenced port with a listener), it calls
 * {@link WorkerContext#exit}, or it is terminated. An exception thrown here ends the worker with
 * exit code 1 and an {@code error} event in the parent.
 */
@FunctionalInterface
public interface WorkerEntry {
    void run(WorkerContext context) throws Exception;
}

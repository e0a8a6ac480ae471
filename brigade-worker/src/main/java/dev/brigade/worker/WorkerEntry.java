package dev.brigade.worker;

/**
 * The code a worker runs. Name a class that implements it (public, with a public no-argument
 * constructor) to start a worker by class or class name, each worker creating its own instance
 * on its own thread, or pass a lambda (or an instance), shared as it is.
 *
 * <p>{@link #run} is the worker's "script": it typically sets a listener on
 * {@link WorkerContext#parentPort()} and returns; the worker then lives on, handling messages on
 * its own thread, until nothing keeps it alive (no referenced port with a listener), it calls
 * {@link WorkerContext#exit}, or it is terminated. An exception thrown here ends the worker with
 * exit code 1 and an {@code error} event in the parent.
 */
@FunctionalInterface
public interface WorkerEntry {
    /**
     * The worker's script, run on the worker's thread once it is online.
     *
     * @param context the worker's side: its {@code parentPort}, workerData, name, stdout and stderr
     * @throws Exception anything: it ends the worker with exit code 1 and an {@code error} event
     */
    void run(WorkerContext context) throws Exception;
}

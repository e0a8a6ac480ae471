/**
 * Brigade's in-process workers: Node's {@code worker_threads} model for the JVM.
 *
 * <p>{@link dev.brigade.worker.Worker} runs code on its own thread and talks to it by messages
 * ({@link dev.brigade.worker.MessagePort}, {@link dev.brigade.worker.MessageChannel},
 * {@link dev.brigade.worker.BroadcastChannel}) and by shared memory
 * ({@link dev.brigade.worker.SharedBuffer} with {@link dev.brigade.worker.Atomics}).
 */
module dev.brigade.worker {
    requires org.jctools.core;
    requires HdrHistogram; // no Automatic-Module-Name in its manifest: named after the jar
    requires static micrometer.core;

    exports dev.brigade.worker;
    exports dev.brigade.worker.pool;
}

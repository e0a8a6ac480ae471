package dev.brigade.cluster.internal;

/**
 * The closed vocabulary spoken between a primary and its workers over IPC. Every frame on the
 * wire is one of these records; {@link FrameCodec} maps each to a one-byte tag and rejects any
 * other tag. Adding a frame means adding a record here, a tag in the codec, and a case in each
 * exhaustive switch that dispatches frames ({@code Child} and {@code WorkerRuntime}); and, for a
 * frame the primary sends to workers, a case in brigade-agent's {@code WorkerLink}, which speaks
 * this wire format by hand for workers of an explicit entry (it rejects a tag it does not know).
 */
public sealed interface Frame {
    /** Worker → primary, first frame on a connection: who it claims to be and its proof. */
    record Hello(int workerId, String token, long pid) implements Frame {
    }

    /** Primary → worker, answer to a valid Hello: settings the worker must follow. */
    record Welcome(int heartbeatMillis, int maxFrameBytes) implements Frame {
    }

    /** Worker → primary, every heartbeat interval: "my threads still run". */
    record Heartbeat() implements Frame {
    }

    /** Worker → primary: the worker accepts connections on this address. */
    record Listening(String host, int port) implements Frame {
    }

    /** Either way: a user message, encoded by the cluster's codec. */
    record Message(byte[] payload) implements Frame {
    }

    /** Either way: a user request awaiting exactly one {@link Reply} with the same id. */
    record Request(long id, byte[] payload) implements Frame {
    }

    /** Either way: the answer to a {@link Request}; when {@code ok} is false the payload is the error text (UTF-8). */
    record Reply(long id, boolean ok, byte[] payload) implements Frame {
    }

    /** Primary → worker: stop taking work, finish what is in flight, exit. */
    record Disconnect() implements Frame {
    }

    /**
     * Primary → a standby worker (one started ahead, held before its app's main): run the app now, as instance
     * {@code instance} (brigade-agent sets {@code BRIGADE_INSTANCE} to it first).
     */
    record Go(int instance) implements Frame {
    }
}

package dev.brigade.cluster.internal;

import java.io.IOException;

/** A peer broke the IPC protocol (malformed, oversized or unknown frame, bad handshake). */
public final class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}

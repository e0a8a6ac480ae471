package dev.brigade.worker;

/**
 * Two entangled ports: what is posted on one is received on the other. Either port can be sent
 * to another worker (list it in the transfer list), so two workers can talk directly.
 *
 * <pre>{@code
 * MessageChannel ch = new MessageChannel();
 * worker.postMessage(ch.port2(), List.of(ch.port2()));
 * ch.port1().onMessage(reply -> ...);
 * }</pre>
 */
public final class MessageChannel {
    private final MessagePort port1;
    private final MessagePort port2;

    /** Creates a channel: two entangled ports, each posting to the other. */
    public MessageChannel() {
        MessagePort[] pair = MessagePort.entangled();
        port1 = pair[0];
        port2 = pair[1];
    }

    /**
     * One end of the channel.
     *
     * @return the first port; what it posts arrives at {@link #port2()}
     */
    public MessagePort port1() {
        return port1;
    }

    /**
     * The other end of the channel.
     *
     * @return the second port; what it posts arrives at {@link #port1()}
     */
    public MessagePort port2() {
        return port2;
    }
}

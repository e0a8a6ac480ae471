package dev.brigade.cluster;

/**
 * A port the cluster serves: the primary binds it once and every worker inherits the listening
 * socket, so all of them accept from one queue (no proxy, no SO_REUSEPORT split).
 *
 * @param host an address of this machine, {@code "*"} for every IPv4 address, {@code "::"} for every address
 * @param port 1..65535, or 0 to let the kernel pick one (tests)
 */
public record ListenAddress(String host, int port) {
    /**
     * Checks the host and the port; {@link IllegalArgumentException} names the wrong one.
     */
    public ListenAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("listen.host must be an address, \"*\" or \"::\", got " + (host == null ? "null" : "\"" + host + "\""));
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen.port must be in 0..65535, got " + port);
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}

package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterException;
import dev.brigade.cluster.ClusterSettings;
import dev.brigade.cluster.ListenAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The primary's side of port sharing: bind every declared address once, and tell each worker
 * where its inherited sockets are. The contract with brigade-agent (and with apps that adopt
 * the socket themselves) is the environment:
 * <ul>
 *   <li>{@code BRIGADE_LISTEN_FDS=3=host:port,4=host:port}: the worker's descriptor for each
 *       declared address (descriptors start at 3, in declaration order);</li>
 *   <li>{@code PORT}: the first declared port, for apps that read it (12-factor style), and the
 *       variables common frameworks read for their HTTP port ({@link #FRAMEWORK_PORTS}: Spring Boot
 *       and Helidon's {@code SERVER_PORT}, Quarkus', Micronaut's), so that an unmodified app
 *       binds the declared port instead of its default one.</li>
 * </ul>
 */
final class Ports {
    static final String ENV_LISTEN_FDS = "BRIGADE_LISTEN_FDS";
    static final String ENV_PORT = "PORT";
    /** Spring Boot and Helidon (server.port), Quarkus (quarkus.http.port), Micronaut (micronaut.server.port). */
    static final List<String> FRAMEWORK_PORTS = List.of("SERVER_PORT", "QUARKUS_HTTP_PORT", "MICRONAUT_SERVER_PORT");

    static final String NO_AGENT = "no brigade-agent jar was found (the brigade.agent.jar property, the class path,"
            + " and next to brigade-cluster's jar were searched), so workers get no agent: a server that binds the port"
            + " itself fails with 'Address already in use'. Set agentJar(...), or adopt the socket with InheritedSockets";

    private Ports() {
    }

    /** The report on a worker that has not listened within the listen timeout. */
    static ClusterException notListening(Child child, List<Integer> ports, ClusterSettings settings) {
        return new ClusterException(ClusterException.Code.NOT_LISTENING, child + " has not listened on " + ports + " within "
                + settings.listenTimeout().toMillis() + " ms (listenTimeout)"
                + (settings.agentJar() == null ? "; " + NO_AGENT : "") + child.stderrTail());
    }

    /** Binds every address, or none: on the first failure the ones already bound are closed. */
    static List<Listeners.Listener> bindAll(List<ListenAddress> addresses) {
        List<Listeners.Listener> bound = new ArrayList<>();
        for (ListenAddress a : addresses) {
            try {
                Listeners.Listener inherited = InheritedListeners.take(a.host(), a.port()); // socket activation
                bound.add(inherited != null ? inherited : Listeners.bind(a.host(), a.port()));
            } catch (IOException e) {
                bound.forEach(Listeners::close);
                throw new ClusterException(ClusterException.Code.LISTEN_FAILED, "cannot listen on " + a + " (listen): "
                        + e.getMessage().replaceFirst("^cannot (bind|listen on) [^:]+:\\d+: ", ""), e);
            }
        }
        return List.copyOf(bound);
    }

    /** The variables a worker needs to find its inherited sockets; empty when no port is declared. */
    static Map<String, String> env(List<Listeners.Listener> listeners) {
        Map<String, String> env = new LinkedHashMap<>();
        if (listeners.isEmpty()) {
            return env;
        }
        int[] fd = {3};
        env.put(ENV_LISTEN_FDS, listeners.stream().map(l -> l.describe(fd[0]++)).collect(Collectors.joining(",")));
        String port = Integer.toString(listeners.get(0).port());
        env.put(ENV_PORT, port);
        FRAMEWORK_PORTS.forEach(name -> env.put(name, port));
        return env;
    }

    /** The agent's notices on a worker's notify pipe: {@code BRIGADE_LISTENING <port>} once it adopted a socket. */
    static void notice(Child child, String line, List<Listeners.Listener> listeners) {
        String[] p = line.trim().split(" ");
        if (p.length == 2 && p[0].equals("BRIGADE_LISTENING")) {
            try {
                int port = Integer.parseInt(p[1]);
                String host = listeners.stream().filter(l -> l.port() == port).map(Listeners.Listener::host).findFirst().orElse("*");
                child.markListening(host, port);
                return;
            } catch (NumberFormatException e) {
                // fall through: reported below
            }
        }
        System.getLogger("dev.brigade.cluster").log(System.Logger.Level.WARNING,
                child + " wrote an unknown notice on its listening pipe: " + line);
    }

    /** The ports actually bound (port 0 resolved), in declaration order. */
    static List<Integer> ports(List<Listeners.Listener> listeners) {
        return listeners.stream().map(Listeners.Listener::port).toList();
    }
}

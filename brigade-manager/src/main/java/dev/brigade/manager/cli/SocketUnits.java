package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.Home;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/*
 * `brigade startup --socket NAME:[ADDRESS:]PORT`: systemd socket activation for the service. Each
 * socket gets a unit of its own, brigade-NAME.socket, because FileDescriptorName= names every socket
 * of a unit alike and `brigade run` tells sockets apart by that name. Each socket unit points at
 * brigade.service (Service=), and the service lists them all (Sockets=, since their names differ from
 * its own) and requires them, so systemd passes every socket to `brigade run --resurrect`, which
 * hands each to the saved app declaring its port (or named like it) instead of binding the port.
 * The port then outlives Brigade: while the service restarts, connections wait in the socket's queue.
 */
/** The systemd .socket units of {@code brigade startup --socket}: one per socket, each activating brigade.service. */
final class SocketUnits {
    private static final Pattern SPEC = Pattern.compile("([A-Za-z0-9_.-]+):(?:(\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):)?(\\d+)");

    private SocketUnits() {
    }

    /**
     * One socket: {@code name} is its FileDescriptorName (and the unit's name), {@code address} a numeric address or null
     * (every interface), {@code port} 1..65535.
     */
    record Socket(String name, String address, int port) {
        /** {@code brigade-NAME.socket}. */
        String unitName() {
            return "brigade-" + name + ".socket";
        }

        /** The ListenStream= value: {@code 8080} or {@code 127.0.0.1:8080}. */
        String listen() {
            return address == null ? Integer.toString(port) : address + ":" + port;
        }
    }

    /** {@code NAME:PORT} or {@code NAME:ADDRESS:PORT} (ADDRESS numeric: {@code 127.0.0.1}, {@code [::1]}). */
    static Socket parse(String value) throws ManagerCommand.Failed {
        Matcher m = SPEC.matcher(value.trim());
        if (!m.matches()) {
            throw ManagerCommand.Failed.usage("--socket: expected NAME:PORT or NAME:ADDRESS:PORT (NAME of letters, digits, _ . -; "
                    + "ADDRESS numeric, as 127.0.0.1 or [::1]), got \"" + value + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw ManagerCommand.Failed.usage("--socket " + value + ": the port must be in 1..65535, got " + m.group(3));
        }
        return new Socket(m.group(1), m.group(2), port);
    }

    /** Every socket once: two with one name, or one address and port twice, are a usage error. */
    static List<Socket> parseAll(List<String> values) throws ManagerCommand.Failed {
        List<Socket> sockets = new java.util.ArrayList<>();
        for (String v : values) {
            Socket s = parse(v);
            for (Socket earlier : sockets) {
                if (earlier.name().equals(s.name()) || earlier.listen().equals(s.listen())) {
                    throw ManagerCommand.Failed.usage("--socket " + v + ": " + (earlier.name().equals(s.name()) ? "the name " + s.name()
                            : "the address " + s.listen()) + " is given twice");
                }
            }
            sockets.add(s);
        }
        return sockets;
    }

    /** The .socket unit of {@code s}, activating {@code service}. */
    static String unit(Socket s, Home home, String service) {
        return "# Written by 'brigade startup --socket'. systemd binds this port and passes it to " + service + ", whose\n"
                + "# 'brigade run' hands it to the saved app declaring port " + s.port() + " (or named " + s.name() + "): the port stays\n"
                + "# open while the service restarts.\n"
                + "[Unit]\n"
                + "Description=Brigade: socket " + s.name() + " (" + s.listen() + ") for the apps saved in " + home.dir() + "\n"
                + "\n[Socket]\n"
                + "ListenStream=" + s.listen() + "\n"
                + "FileDescriptorName=" + s.name() + "\n"
                + "Service=" + service + "\n"
                + "\n[Install]\n"
                + "WantedBy=sockets.target\n";
    }

    /** The service's lines for its sockets: in [Unit], Requires= and After=; in [Service], Sockets=. Empty without sockets. */
    static String unitSection(List<Socket> sockets) {
        if (sockets.isEmpty()) {
            return "";
        }
        String names = names(sockets);
        return "Requires=" + names + "\nAfter=" + names + "\n";
    }

    /** {@code Sockets=...} for the [Service] section; empty without sockets. */
    static String serviceSection(List<Socket> sockets) {
        return sockets.isEmpty() ? "" : "Sockets=" + names(sockets) + "\n";
    }

    static String names(List<Socket> sockets) {
        return sockets.stream().map(Socket::unitName).collect(Collectors.joining(" "));
    }
}

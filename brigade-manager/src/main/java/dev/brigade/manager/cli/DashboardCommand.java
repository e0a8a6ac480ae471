package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code brigade dashboard}: asks the daemon to serve the web dashboard, and prints its URL (with the token). */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves the web dashboard from the daemon (apps and workers live, their logs, CPU and memory charts,",
            "reload/restart/scale/stop) and prints its URL, token included; /metrics is served on the same port."})
final class DashboardCommand extends ManagerCommand {
    @Option(names = "--port", paramLabel = "P", description = "the port (default 9615; 0: any free port)")
    String port = "9615";

    @Option(names = "--host", paramLabel = "H", description = "the address to bind (default 127.0.0.1; another one lets "
            + "other machines in, and then /metrics needs the token too)")
    String host = "127.0.0.1";

    @Option(names = "--read-only", description = "show, but refuse every action (reload, restart, scale, stop)")
    boolean readOnly;

    @Option(names = "--off", description = "stop serving the dashboard")
    boolean off;

    @Override
    int run() throws Failed {
        int p;
        try {
            p = Integer.parseInt(port.strip());
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535) {
            throw Failed.usage("--port must be a port in 0..65535, got " + port);
        }
        InetAddress address;
        try {
            if (host.isBlank()) {
                throw new UnknownHostException("empty");
            }
            address = InetAddress.getByName(host.strip());
        } catch (UnknownHostException e) {
            throw Failed.usage("--host must be an address of this machine to bind (127.0.0.1, ::1, 0.0.0.0 or a name that "
                    + "resolves), got '" + host + "'");
        }
        Response r = request(new Request.Dashboard(host.strip(), p, readOnly, off));
        if (!off && !address.isLoopbackAddress()) {
            err().println("brigade: warning: the dashboard listens on " + host.strip() + ", not on loopback: other machines can"
                    + " reach it (unencrypted HTTP); the token guards every page, action and /metrics");
        }
        out().println(((Response.Ok) r).message());
        return Main.OK;
    }
}

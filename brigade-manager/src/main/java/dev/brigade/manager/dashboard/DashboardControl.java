package dev.brigade.manager.dashboard;

import dev.brigade.manager.daemon.AppView;
import dev.brigade.manager.daemon.Request;
import dev.brigade.manager.daemon.Response;
import java.io.IOException;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The daemon's side of {@code brigade dashboard}: turns the {@link Dashboard} on (or moves it to another address,
 * or turns it off) and answers with the page's URL. The token is drawn once per daemon (256 random bits) and kept
 * in {@code dashboard.token} (0600) in the daemon's home, so every {@code brigade dashboard} of this daemon
 * prints the same URL.
 */
public final class DashboardControl {
    /** The dashboard's port unless {@code --port} says otherwise (PM2's web interface used the same). */
    public static final int DEFAULT_PORT = 9615;

    private final Path home;
    private final Supplier<List<AppView>> apps;
    private final Function<Request, Response> control;
    private String token;          // guarded by this; drawn at the first request
    private Dashboard running;     // guarded by this

    /**
     * The dashboard of one daemon, off until {@link #handle} turns it on.
     *
     * @param home    the daemon's home (where the token file is written)
     * @param apps    the daemon's apps as they are now
     * @param control runs a control request as the daemon's socket would (the page's actions)
     */
    public DashboardControl(Path home, Supplier<List<AppView>> apps, Function<Request, Response> control) {
        this.home = home;
        this.apps = apps;
        this.control = control;
    }

    /**
     * Handles a {@link Request.Dashboard}: never throws.
     *
     * @param r what {@code brigade dashboard} asked
     * @return {@link Response.Ok} with the URL (or "dashboard off"), or a {@link Response.Failure} saying why not
     */
    public synchronized Response handle(Request.Dashboard r) {
        if (r.off()) {
            boolean was = running != null;
            close();
            return new Response.Ok(was ? "dashboard off" : "the dashboard was not on", List.of());
        }
        String host = r.host() == null || r.host().isBlank() ? "127.0.0.1" : r.host().strip();
        if (r.port() < 0 || r.port() > 65535) {
            return new Response.Failure("INVALID", "--port must be a port in 0..65535, got " + r.port());
        }
        try {
            if (token == null) {
                token = newToken();
                writeToken(home.resolve("dashboard.token"), token);
            }
            if (running != null && !running.sameSettings(host, r.port(), r.readOnly())) {
                close();
            }
            if (running == null) {
                running = Dashboard.start(host, r.port(), r.readOnly(), token, apps, control);
                System.err.println(java.time.Instant.now() + " brigade daemon: dashboard on " + running.url()
                        + (r.readOnly() ? " (read-only)" : ""));
            }
            return new Response.Ok(running.url() + "/?token=" + token, List.of());
        } catch (BindException e) {
            return new Response.Failure("PORT_IN_USE", "port " + r.port() + " on " + host + " is in use (" + e.getMessage()
                    + "): choose another with --port (0 picks a free one)");
        } catch (IOException | RuntimeException e) {
            return new Response.Failure("FAILED", "cannot serve the dashboard on " + host + ":" + r.port() + " (--host, --port): "
                    + e.getMessage());
        }
    }

    /** Stops serving the dashboard, if it is served. */
    public synchronized void close() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    static String newToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void writeToken(Path p, String token) throws IOException {
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
        Files.deleteIfExists(p); // created anew: a file of another mode or owner is not reused
        try (SeekableByteChannel ch = Files.newByteChannel(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(owner))) {
            ch.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
        Files.setPosixFilePermissions(p, owner); // the umask may have taken bits away, never added: set exactly
    }
}

package dev.brigade.manager.cli;

import dev.brigade.cluster.internal.Reaper;
import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.AppSpec;
import dev.brigade.manager.daemon.Foreground;
import dev.brigade.manager.daemon.Home;
import dev.brigade.manager.daemon.Response;
import dev.brigade.manager.health.Health;
import dev.brigade.manager.health.SystemdNotifier;
import dev.brigade.manager.metrics.DaemonMetrics;
import dev.brigade.manager.metrics.Endpoint;
import dev.brigade.manager.run.SocketActivation;
import io.micrometer.core.instrument.FunctionCounter;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/*
 * `brigade run`: container mode, like pm2-runtime. Two designs were possible: start a private
 * daemon (a second JVM, in a temporary BRIGADE_HOME) and attach to it, or do the daemon's work in
 * this process. This one does the work itself (daemon.Foreground: the daemon's own Apps, timer and
 * control socket, without the accept loop being the whole process), because:
 * - the process a container runtime or systemd starts and signals must be the one that owns the
 *   apps: with a private daemon, a SIGKILLed `run` (or a crashed one) would leave a daemon and its
 *   apps orphaned outside any supervision, and `run` would only learn of its apps through a socket;
 * - the apps are then this process's children, so as PID 1 it is also the one whose duty it is to
 *   reap them and whatever they orphan;
 * - one JVM instead of two (start-up time and memory count in a container);
 * - the control socket of the home is still served, so `brigade ls / logs / restart / monit` work
 *   next to it (docker exec), and `brigade kill` ends it cleanly (exit 0).
 *
 * Signals: SIGTERM and SIGINT run the JVM's shutdown hooks; ours stops every app gracefully
 * (SIGTERM to each process group, SIGKILL after the app's kill timeout), drains the log lines
 * still queued, then halts with exit code 0 (a stop that was asked for is a success; without the
 * halt the JVM would exit 143/130). The halt cuts short any other shutdown hook; the process has
 * none that matter.
 *
 * PID 1 duty: orphans re-parented to PID 1 must be reaped by it, and the JVM does not (it only
 * waits for the processes it started). So when this process is PID 1, and only then, a thread
 * reaps every child with the cluster's Reaper on pid -1 (waitpid(-1) in a loop; it ends with
 * ECHILD when there is no child at all, and is started again a little later). The trade-off:
 * waitpid(-1) takes whichever child exits first, so it can also reap an app's own process before
 * that process's Reaper (waitpid(pid)) does. That Reaper then gets ECHILD: the instance still goes
 * on correctly (a crash is restarted, a stop completes) but its last exit reads "lost: ..."
 * instead of the exact code or signal. Outside PID 1 this is never done: waitpid(-1) would also
 * steal the exit statuses of children the JDK started, for no benefit (orphans then go to the real
 * init, or to a subreaper, which reaps them).
 */
/** {@code brigade run}: the apps in the foreground, their output on stdout, until a signal or until they are all down. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs apps in the foreground, logs on stdout: container mode, like pm2-runtime. "
            + "Takes the arguments of 'brigade start' (TARGET, -i, --name, --port, --env, ..., the app's arguments after --), "
            + "or --resurrect. "
            + "Every app's output goes to stdout, each line prefixed with app-instance. SIGTERM or SIGINT stops "
            + "every app gracefully (SIGKILL after its kill timeout) and exits 0. When every app has stopped or "
            + "errored (e.g. a crash loop), exits 1 with their last lines on stderr. As PID 1 it also reaps the "
            + "orphaned processes re-parented to it. The home's control socket is served: brigade ls, logs, "
            + "restart and monit work alongside; brigade kill stops it. Under systemd socket activation (LISTEN_FDS), the "
            + "sockets passed become the apps' ports instead of being bound: --port NAME (a FileDescriptorName), an app "
            + "named like the socket, or the port number it is bound to."},
        footer = {"", "Examples:", "  brigade run build/api.jar -i max --port 8080      # a Dockerfile's CMD",
            "  brigade run brigade.yaml --environment production", "  brigade run --name web -- python3 -m http.server 8000", "  brigade run --resurrect                           # the systemd unit of 'brigade startup'",
            "", "Exit codes: 0 stopped by a signal or by 'brigade kill'; 1 every app stopped or errored, or nothing could "
                + "start; 2 usage error."})
final class RunCommand extends ManagerCommand {
    private static final Set<String> DOWN = Set.of("stopped", "errored");
    private static final int QUEUE = 10_000;

    @Option(names = "--resurrect", description = "also start the apps saved by 'brigade save' in BRIGADE_HOME")
    boolean resurrect;

    @Option(names = "--metrics-port", paramLabel = "P", description = "serve /metrics (Prometheus text format) on port P "
            + "(0: any free port, printed on stderr)")
    Integer metricsPort;

    @Option(names = "--health-port", paramLabel = "P", description = "serve /healthz (supervision lives), /readyz (every "
            + "app has its workers listening; 503 and a JSON reason otherwise) and /metrics on port P, for an orchestrator's "
            + "probes (0: any free port, printed on stderr)")
    Integer healthPort;

    @Option(names = "--http-host", paramLabel = "H", defaultValue = "127.0.0.1", description = "the address --metrics-port "
            + "and --health-port bind (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container, for Prometheus and the kubelet)")
    String httpHost;

    @Mixin
    StartOptions options;

    @Spec
    CommandSpec spec;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedTotal = new AtomicLong(); // for /metrics: brigade.run.lines.dropped
    private final AtomicLong pending = new AtomicLong(); // queued or being printed
    private volatile boolean stopping;

    @Override
    int run() throws Failed {
        List<String> commandLine = spec.commandLine().getParseResult().originalArgs();
        if (options.words.isEmpty() && !resurrect) {
            throw Failed.usage("give a TARGET and its options, as for 'brigade start', or --resurrect");
        }
        SocketActivation activation = socketActivation();
        List<AppSpec> specs = options.words.isEmpty() ? List.of()
                : activation.assignByName(options.specs(commandLine, "run", main.host), w -> err().println("brigade run: " + w));
        if (!options.configFile()) {
            StartOptions.warnFork(specs, err());
        }
        for (var p : List.of(new Object[] {"--metrics-port", metricsPort}, new Object[] {"--health-port", healthPort})) {
            if (p[1] instanceof Integer n && (n < 0 || n > 65535)) {
                throw Failed.usage(p[0] + " must be a port in 0..65535, got " + n);
            }
        }
        Home home = home();

        Thread writer = Thread.ofPlatform().daemon().name("brigade-run-out").start(this::writeLines);
        Foreground fg;
        try {
            fg = Foreground.open(home, l -> {
                pending.incrementAndGet();
                if (!lines.offer(l.app() + "-" + l.instance() + " | " + l.text())) {
                    pending.decrementAndGet();
                    dropped.incrementAndGet(); // stdout is not read fast enough: never block an app on it
                    droppedTotal.incrementAndGet();
                }
            });
        } catch (IOException e) {
            throw new Failed(e.getMessage());
        }
        if (ProcessHandle.current().pid() == 1) {
            reapOrphans();
        }
        Health health = new Health(fg::views, fg::sinceSupervisionTickNanos);
        serveHttp(fg, health);
        SystemdNotifier systemd = SystemdNotifier.startIfAsked(System.getenv(), health);
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            // SIGTERM, SIGINT, or 'brigade kill' (the daemon's System.exit(0)): stop everything, exit 0
            stopping = true;
            health.stopping(); // /readyz turns 503 before any app is stopped
            if (systemd != null) {
                systemd.stopping();
            }
            fg.stopAll();
            drain(writer);
            Runtime.getRuntime().halt(Main.OK);
        });
        Runtime.getRuntime().addShutdownHook(hook);

        if (resurrect) {
            Response r = fg.resurrect();
            if (r instanceof Response.Failure f) {
                return abandon(fg, hook, writer, f.message());
            }
        }
        if (!specs.isEmpty()) {
            Response r = fg.start(specs);
            if (r instanceof Response.Failure f) {
                return abandon(fg, hook, writer, f.message());
            }
        }
        List<AppInfo> apps = fg.apps();
        if (apps.isEmpty()) {
            return abandon(fg, hook, writer, "nothing to run");
        }
        activation.unused().forEach(w -> err().println("brigade run: warning: " + w));
        err().println("brigade run: " + apps.size() + " app(s), pid " + ProcessHandle.current().pid()
                + (ProcessHandle.current().pid() == 1 ? " (PID 1: reaping orphans)" : "") + ", control socket " + home.socket()
                + "; SIGTERM or Ctrl-C stops them");
        try {
            while (true) {
                TimeUnit.MILLISECONDS.sleep(200); // polling the apps' state: a few hundred ms of latency is fine here
                if (stopping) {
                    continue; // the hook is stopping everything and will halt
                }
                apps = fg.apps();
                // read after the apps: 'brigade kill' marks itself before it stops any (its exit then runs the hook)
                if (!apps.isEmpty() && apps.stream().allMatch(a -> a.instances().stream().allMatch(i -> DOWN.contains(i.status())))
                        && !fg.killing()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!Runtime.getRuntime().removeShutdownHook(hook)) {
            return Main.OK; // shutting down already
        }
        health.stopping();
        if (systemd != null) {
            systemd.stopping();
        }
        fg.stopAll();
        drain(writer);
        err().println("brigade run: every app has stopped or errored; exiting");
        for (AppInfo a : apps) {
            for (AppInfo.InstanceInfo i : a.instances()) {
                err().println("brigade run: " + a.name() + "-" + i.instance() + " " + i.status()
                        + (i.lastExit() != null ? " (" + i.lastExit() + ")" : "") + (i.lastLines().isEmpty() ? "" : "; its last lines:"));
                i.lastLines().forEach(l -> err().println("  " + a.name() + "-" + i.instance() + " | " + l));
            }
        }
        return Main.FAILED;
    }

    /**
     * systemd socket activation (see SocketActivation): adopts the sockets passed, and resolves
     * {@code --port NAME} to the socket of that name (its port, and its address unless --host is given).
     */
    private SocketActivation socketActivation() throws Failed {
        SocketActivation activation;
        try {
            activation = SocketActivation.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
        } catch (IllegalArgumentException e) {
            throw new Failed("socket activation: " + e.getMessage());
        }
        if (!activation.sockets().isEmpty()) {
            err().println("brigade run: socket activation: " + activation.sockets().stream().map(SocketActivation.Passed::describe)
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        if (options.port != null && !options.port.trim().matches("\\d+")) {
            SocketActivation.Passed p = activation.named(options.port.trim());
            if (p == null) {
                throw Failed.usage("--port " + options.port + ": not a port number, nor the name of a socket passed by systemd "
                        + "(socket activation; names passed: " + activation.names() + ")");
            }
            options.port = Integer.toString(p.port());
            if (options.host == null) {
                options.host = p.host();
            }
        }
        return activation;
    }

    /** --metrics-port and --health-port: /metrics, and /healthz and /readyz, on 127.0.0.1 unless --http-host says otherwise. */
    private void serveHttp(Foreground fg, Health health) throws Failed {
        if (metricsPort == null && healthPort == null) {
            return;
        }
        DaemonMetrics metrics = new DaemonMetrics(fg::views);
        FunctionCounter.builder("brigade.run.lines.dropped", droppedTotal, AtomicLong::get)
                .description("app output lines dropped: stdout was not read fast enough").register(metrics.registry());
        String option = "";
        try {
            if (metricsPort != null) {
                option = "--metrics-port " + metricsPort;
                Endpoint e = Endpoint.start(httpHost, metricsPort, metrics);
                err().println("brigade run: metrics on " + e.url() + "/metrics");
            }
            if (healthPort != null) {
                option = "--health-port " + healthPort;
                Endpoint e = Endpoint.start(httpHost, healthPort, metrics);
                health.serve(e);
                err().println("brigade run: health on " + e.url() + " (/healthz, /readyz, /metrics)");
            }
        } catch (IOException | RuntimeException e) {
            fg.stopAll();
            throw new Failed(option + " --http-host " + httpHost + ": cannot listen there: " + e.getMessage());
        }
    }

    /** Gives up before anything runs (nothing could start): stops what did start, exit code 1. */
    private int abandon(Foreground fg, Thread hook, Thread writer, String why) {
        Runtime.getRuntime().removeShutdownHook(hook);
        fg.stopAll();
        drain(writer);
        err().println("brigade run: " + why);
        return Main.FAILED;
    }

    /** The one writer of stdout: apps' lines in the order they came, flushed whenever the queue runs dry. */
    private void writeLines() {
        try {
            while (true) {
                String l = lines.take();
                out().println(l);
                long d = dropped.getAndSet(0);
                if (d > 0) {
                    out().println("[brigade] " + d + " line(s) dropped: stdout was not read fast enough");
                }
                if (lines.isEmpty()) {
                    out().flush();
                }
                pending.decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (at most 2 s) until the writer has printed every queued line. */
    private void drain(Thread writer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        try {
            while (pending.get() > 0 && writer.isAlive() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out().flush();
    }

    /** PID 1 only (see the note at the top): reaps every child, orphans included, for the life of the process. */
    private static void reapOrphans() {
        Thread.ofPlatform().daemon().name("brigade-pid1-reaper").start(() -> {
            while (true) {
                try {
                    Reaper.watch(-1, "pid1").join(); // never completes normally: waitpid(-1) loops while children exist
                } catch (CompletionException e) {
                    // ECHILD: no child at all right now
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }
}

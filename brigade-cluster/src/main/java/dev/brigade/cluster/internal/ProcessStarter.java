package dev.brigade.cluster.internal;

import dev.brigade.cluster.ClusterSettings;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the {@link Primary} starts a worker's process: {@link #newChild} gives it a fresh id and
 * token; {@link #start} builds its command line ({@link CommandLine}, the {@link Archive} flags
 * and, with declared ports, brigade-agent), its environment, and the descriptors it inherits
 * (the listening sockets as fd 3, 4, ..., then the write end of the pipe the agent writes its
 * listening notices to, read by an {@link OutputPump}), and spawns it ({@link Spawner#spawn}).
 */
final class ProcessStarter {
    private static final System.Logger LOG = System.getLogger("dev.brigade.cluster");
    /** brigade-agent's ListenContract.ENV_NOTIFY_FD: the descriptor it writes listening notices to. */
    static final String NOTIFY_FD_ENV = "BRIGADE_NOTIFY_FD";
    /** brigade-agent's ListenContract.ENV_REWRITES: where the agent keeps the JDK classes it rewrote (Archive#agentRewrites). */
    static final String REWRITES_ENV = "BRIGADE_AGENT_REWRITES";
    private final ClusterSettings settings;
    private final CommandLine.Parts parts;
    private final Archive archive;
    private final Path ipc;
    private final List<Listeners.Listener> listeners;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private volatile List<Integer> inherited;

    ProcessStarter(ClusterSettings settings, CommandLine.Parts parts, Archive archive, Path ipc, List<Listeners.Listener> listeners) {
        this.settings = settings;
        this.parts = parts;
        this.archive = archive;
        this.ipc = ipc;
        this.listeners = listeners;
        this.inherited = listeners.stream().map(Listeners.Listener::fd).toList();
        if (!listeners.isEmpty() && settings.agentJar() == null) {
            LOG.log(Level.WARNING, Ports.NO_AGENT);
        }
        if (!listeners.isEmpty() && settings.agentJar() != null) {
            archive.alsoFlags(CommandLine.agentFlags(settings.agentJar().toString())); // the AOT cache is assembled with what recorded it
        }
    }

    /** Descriptors every new worker inherits as fd 3, 4, ... (listening sockets, issue 5). */
    void inherit(List<Integer> fds) {
        this.inherited = List.copyOf(fds);
    }

    /** A worker with a fresh id and a random token, in slot {@code instance}; its process is not started yet. */
    Child newChild(int instance, Child.Owner owner) {
        int id = nextId.getAndIncrement();
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        return new Child(id, instance, HexFormat.of().formatHex(secret), owner);
    }

    /**
     * Spawns {@code child}'s process with {@code archiveFlags} (from {@link Archive#nextFlags}).
     * If the spawn fails, the notify pipe is closed and a training run counts as ended.
     */
    Spawner.Spawned start(Child child, List<String> archiveFlags) throws IOException {
        Map<String, String> env = CommandLine.env(settings, child, ipc);
        env.putAll(Ports.env(listeners));
        Path rewrites = listeners.isEmpty() || settings.agentJar() == null ? null : archive.agentRewrites(settings.agentJar());
        if (rewrites != null) {
            env.put(REWRITES_ENV, rewrites.toString());
        }
        List<String> argv = new ArrayList<>(CommandLine.argv(settings.java().toString(), parts, archiveFlags));
        if (!listeners.isEmpty() && settings.agentJar() != null && !CommandLine.hasAgent(parts)) {
            argv.addAll(1, CommandLine.agentFlags(settings.agentJar().toString()));
        }
        // With declared ports the agent tells us on this pipe when the worker has adopted a socket.
        int[] notify = listeners.isEmpty() ? null : Spawner.pipe();
        List<Integer> fds = inherited;
        if (notify != null) {
            fds = new ArrayList<>(inherited);
            fds.add(notify[1]);
            env.put(NOTIFY_FD_ENV, Integer.toString(3 + inherited.size()));
        }
        Spawner.Spawned sp;
        try {
            sp = Spawner.spawn(settings.java().toString(), argv, env, fds);
        } catch (IOException e) {
            if (notify != null) {
                Spawner.closeAll(notify[0], notify[1]);
            }
            if (archive.isTraining(archiveFlags)) {
                archive.trainerExited();
            }
            throw e;
        } finally {
            if (notify != null) {
                Spawner.closeAll(notify[1]); // the worker holds the write end now
            }
        }
        // a recording worker is asked to write its configuration after a while; the heartbeats it misses meanwhile are
        // forgiven, and until then it has a longer heartbeat timeout (Watchdog)
        child.recording = archive.isTraining(archiveFlags);
        if (child.recording) {
            long pid = sp.pid();
            child.beforeLeave = () -> archive.leaving(pid);
            child.dropsRecording = () -> archive.dropIfReplaced(pid);
        }
        archive.spawned(archiveFlags, sp.pid(), busy -> {
            child.lastHeartbeatNanos = System.nanoTime() + (busy ? java.util.concurrent.TimeUnit.HOURS.toNanos(1) : 0);
            if (!busy) {
                child.recording = false; // written: an ordinary worker from now on
            }
        }, child.standby);
        if (notify != null) {
            OutputPump.start(notify[0], line -> Ports.notice(child, line, listeners), child::noticesEnded, "brigade-notify-" + child.id);
        }
        return sp;
    }

    /** The worker command line (without archive flags) and the class-data archive's state. */
    String describe() {
        Runtime.Version jdk = Archive.javaVersion(settings.java());
        return String.join(" ", CommandLine.argv(settings.java().toString(), parts, List.of())) + "\n  worker JDK: " + jdk.feature()
                + " (" + jdk + ", " + settings.java() + ")" + "\n  class-data archive: "
                + archive.describe();
    }
}

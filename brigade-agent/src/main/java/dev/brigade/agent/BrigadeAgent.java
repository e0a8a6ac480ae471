package dev.brigade.agent;

import dev.brigade.agent.internal.BindRewriter;
import dev.brigade.agent.internal.Binder;
import dev.brigade.agent.internal.Launch;
import dev.brigade.agent.internal.Standby;
import dev.brigade.agent.internal.WorkerLink;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;

/**
 * The java agent of Brigade's worker JVMs ({@code -javaagent:brigade-agent.jar}): an unmodified
 * server that binds a port the primary declared adopts the listening socket the worker
 * inherited, so every worker accepts from one queue ({@link ListenContract} is the contract).
 *
 * <p>Without {@value ListenContract#ENV_LISTEN_FDS} in the environment it does nothing, not even
 * load ASM. With it, it rewrites three JDK methods as their classes load
 * ({@link BindRewriter} explains which and how) and, before the first adoption, opens the two JDK
 * packages the adoption touches to itself, so the worker needs no {@code --add-opens}.
 *
 * <p>With the option {@value #WORKER}{@code jar} or {@value #WORKER}{@code main}, it is also the worker side of
 * an app that knows nothing of Brigade, run by the JVM itself ({@code java -jar app.jar}, {@code java -cp CP Main}):
 * it checks the entry ({@link Launch}) and connects the worker to its primary ({@link WorkerLink}) before the
 * app's main runs.
 */
public final class BrigadeAgent {
    /**
     * The option of a worker the agent connects to its primary: {@code -javaagent:brigade-agent.jar=worker:jar}
     * before {@code -jar app.jar}, {@code =worker:main} before {@code -cp CP Main}.
     */
    public static final String WORKER = "worker:";

    private BrigadeAgent() {
    }

    /**
     * Entry point for {@code -javaagent:brigade-agent.jar}: installs the bind hooks before the app's main.
     *
     * @param args the agent's option string (unused)
     * @param inst the JVM's instrumentation
     */
    public static void premain(String args, Instrumentation inst) {
        String worker = args != null && args.startsWith(WORKER) ? args.substring(WORKER.length()) : null;
        if (worker != null) {
            Launch.prepare(worker); // a boot error ends the worker here, before it is online
        }
        start(inst);
        if (worker != null) {
            Binder.prepareAside();
            WorkerLink.start();
            Standby.hold(inst); // a standby worker waits here, before the app's main, until its primary says go
        }
    }

    /**
     * Entry point when the agent is loaded into a running JVM: the same as {@link #premain}.
     *
     * @param args the agent's option string (unused)
     * @param inst the JVM's instrumentation
     */
    public static void agentmain(String args, Instrumentation inst) {
        start(inst);
    }

    private static void start(Instrumentation inst) {
        start(inst, System.getenv(ListenContract.ENV_LISTEN_FDS), System.getenv(ListenContract.ENV_NOTIFY_FD));
    }

    /**
     * Installs the binder and rewrites the bind methods, then leaves no transformer registered: the JVM's class-file
     * load hook is on only while an agent has a transformer (JPLIS turns it off with the last one), and while it is on
     * every class the JVM loads, those of a class-data archive or AOT cache too, is handed to the agent as bytes. The
     * three target classes are therefore loaded (not initialized) here, rewritten as they load; {@link Binder} adds the
     * rewriters back only when the worker leaves, for the write paths' retransformation.
     */
    static void start(Instrumentation inst, String declared, String notifyFd) {
        if (declared == null) {
            return;
        }
        List<ListenContract.Entry> entries;
        try {
            entries = ListenContract.parse(declared);
        } catch (IllegalArgumentException e) {
            System.err.println("brigade-agent: ERROR " + e.getMessage() + ": inherited sockets will not be adopted");
            return;
        }
        BindRewriter rewriter = new BindRewriter(System.getenv(ListenContract.ENV_REWRITES));
        Binder.install(entries, declared, notifyFd, inst, rewriter);
        inst.addTransformer(rewriter, true);
        try {
            rewriter.loadTargets();
            retransformLoaded(inst, rewriter);
        } finally {
            inst.removeTransformer(rewriter);
        }
        rewriter.saveCache();
    }

    /**
     * Classes loaded before the agent started (dynamic attach) are rewritten now. When every target was rewritten as it
     * loaded (a premain), none was loaded before, and the JVM's classes are not listed (2 ms of a new JVM's start).
     */
    private static void retransformLoaded(Instrumentation inst, BindRewriter rewriter) {
        boolean all = true;
        for (String target : BindRewriter.TARGETS) { // no stream or lambda: each costs a new JVM its bootstrap
            all &= rewriter.rewrote(target);
        }
        if (all) {
            return;
        }
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && BindRewriter.TARGETS.contains(c.getName()) && !rewriter.rewrote(c.getName())) {
                loaded.add(c);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                inst.retransformClasses(loaded.toArray(Class<?>[]::new));
            } catch (UnmodifiableClassException | RuntimeException e) {
                System.err.println("brigade-agent: WARNING cannot rewrite " + loaded + ": " + e);
            }
        }
    }
}

import java.lang.instrument.Instrumentation;

/** The jar's Launcher-Agent-Class: the JVM runs it before main when it runs the jar with -jar. */
public class LauncherAgent {
    static volatile boolean ran;

    public static void agentmain(String args, Instrumentation inst) {
        ran = inst != null;
    }
}

package dev.brigade.agent.internal;

import dev.brigade.agent.BrigadeAgent;
import java.lang.instrument.Instrumentation;

/**
 * The agent jar's {@code Premain-Class} and {@code Agent-Class}: what the JVM calls, which is {@link BrigadeAgent}.
 *
 * <p>The JVM calls these two methods through core reflection, whose accessor is made of method handles since JDK 18:
 * LambdaForm classes spun at every worker's start, 8-12 ms before the app's main (measured), which no class-data
 * archive holds. The build flags both methods varargs ({@code src/build/AgentEntryFlags.java}): for a varargs method
 * whose last parameter is no array the JDK takes its native accessor, which costs nothing to set up. The flag is
 * otherwise ignored by the JVM, but javac refuses to compile against a class that has it: this class is named only
 * in the jar's manifest, and nothing is compiled against it.
 */
public final class AgentEntry {
    private AgentEntry() {
    }

    /**
     * {@link BrigadeAgent#premain}.
     *
     * @param args the agent's option string
     * @param inst the JVM's instrumentation
     */
    public static void premain(String args, Instrumentation inst) {
        BrigadeAgent.premain(args, inst);
    }

    /**
     * {@link BrigadeAgent#agentmain}.
     *
     * @param args the agent's option string
     * @param inst the JVM's instrumentation
     */
    public static void agentmain(String args, Instrumentation inst) {
        BrigadeAgent.agentmain(args, inst);
    }
}

package dev.brigade.manager.demo;

import java.io.PrintStream;

/** Placeholder: the lead replaces this file with the workers demo. */
public final class Demo {
    private Demo() {
    }

    /** Runs the demo, writing to {@code out}; returns the process exit code. */
    public static int run(PrintStream out) {
        out.println("demo: not built yet");
        return 1;
    }
}

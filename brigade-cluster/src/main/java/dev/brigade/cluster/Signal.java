package dev.brigade.cluster;

/** POSIX signals a primary sends to workers (Linux numbering). */
public enum Signal {
    /** Hang-up (1). */
    SIGHUP(1),
    /** Interrupt, as Ctrl-C (2). */
    SIGINT(2),
    /** Quit (3): a JVM prints a thread dump and goes on. */
    SIGQUIT(3),
    /** Kill (9): cannot be caught. */
    SIGKILL(9),
    /** User signal 1 (10). */
    SIGUSR1(10),
    /** User signal 2 (12). */
    SIGUSR2(12),
    /** Terminate (15): a JVM runs its shutdown hooks. */
    SIGTERM(15),
    /** Continue a stopped process (18). */
    SIGCONT(18),
    /** Stop (19): cannot be caught. */
    SIGSTOP(19);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    /**
     * The signal's number on Linux.
     *
     * @return the number
     */
    public int number() {
        return number;
    }

    /**
     * The signal with this number, or {@code null} if Brigade has no name for it.
     *
     * @param number a signal number
     * @return the signal, or null
     */
    public static Signal of(int number) {
        for (Signal s : values()) {
            if (s.number == number) {
                return s;
            }
        }
        return null;
    }
}

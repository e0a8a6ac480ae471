package dev.brigade.cluster;

/** POSIX signals a primary sends to workers (Linux numbering). */
public enum Signal {
    SIGHUP(1), SIGINT(2), SIGQUIT(3), SIGKILL(9), SIGUSR1(10), SIGUSR2(12), SIGTERM(15),
    SIGCONT(18), SIGSTOP(19);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    /** The signal's number on Linux. */
    public int number() {
        return number;
    }

    /** The signal with this number, or {@code null} if Brigade has no name for it. */
    public static Signal of(int number) {
        for (Signal s : values()) {
            if (s.number == number) {
                return s;
            }
        }
        return null;
    }
}

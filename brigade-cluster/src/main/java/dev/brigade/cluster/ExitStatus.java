package dev.brigade.cluster;

/**
 * How a worker process ended, exactly as {@code waitpid} reported it: either an exit code or
 * the number of the signal that killed it.
 *
 * @param code   the exit code (0..255), or -1 if the process was killed by a signal
 * @param signal the signal number that killed it, or 0 if it exited
 */
public record ExitStatus(int code, int signal) {
    /**
     * Checks that exactly one of the two is set.
     */
    public ExitStatus {
        if ((code < 0) == (signal == 0)) {
            throw new IllegalArgumentException("exactly one of code (" + code + ") and signal (" + signal + ") must be set");
        }
    }

    /**
     * A process that exited by itself.
     *
     * @param code the exit code, 0..255
     * @return the status
     */
    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    /**
     * A process killed by a signal.
     *
     * @param signal the signal's number
     * @return the status
     */
    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(-1, signal);
    }

    /**
     * True if the process was killed by a signal.
     *
     * @return true if killed by a signal
     */
    public boolean signaled() {
        return signal != 0;
    }

    /**
     * The signal as an enum constant, or {@code null} if it exited or the signal has no name here.
     *
     * @return the signal, or null
     */
    public Signal signalName() {
        return Signal.of(signal);
    }

    @Override
    public String toString() {
        if (!signaled()) {
            return "exit code " + code + ExitCodes.describe(code);
        }
        Signal s = Signal.of(signal);
        return "signal " + (s == null ? String.valueOf(signal) : s.name());
    }
}

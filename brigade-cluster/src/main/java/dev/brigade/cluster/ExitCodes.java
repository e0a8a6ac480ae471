package dev.brigade.cluster;

/**
 * Exit codes as a protocol between a worker and its primary (gunicorn's idea): the code tells
 * the supervisor whether restarting can help.
 *
 * <ul>
 *   <li>{@link #OK} (0): the worker finished: not restarted, whether it ended by itself or after
 *       {@code disconnect()} (unless {@link RestartPolicy#restartCleanExits()} says otherwise).</li>
 *   <li>{@link #UNCAUGHT} (1): the app's main threw (or the app exited with 1). The worker ends even
 *       if the app started other threads, which a plain JVM would wait for; restarted.</li>
 *   <li>{@link #OUT_OF_MEMORY} (3): what {@code -XX:+ExitOnOutOfMemoryError} exits with; restarted.</li>
 *   <li>{@link #IPC_LOST} (4): the worker lost its primary and exited on its own.</li>
 *   <li>{@link #BOOT_ERROR} (78, sysexits' EX_CONFIG): the worker cannot start (main class missing,
 *       bad configuration); never restarted blindly, the slot becomes {@code ERRORED}.</li>
 * </ul>
 * Any other code, or a signal, is a crash: restarted with backoff.
 */
public final class ExitCodes {
    /**
     * The worker finished (by itself: done; after {@code disconnect()}: drained).
     */
    public static final int OK = 0;
    /**
     * The app's main threw, or the app exited with 1: a crash.
     */
    public static final int UNCAUGHT = 1;
    /**
     * Out of memory ({@code -XX:+ExitOnOutOfMemoryError}): a crash.
     */
    public static final int OUT_OF_MEMORY = 3;
    /**
     * The worker lost its primary (its IPC channel closed) and exited.
     */
    public static final int IPC_LOST = 4;
    /**
     * The worker cannot start: never restarted blindly.
     */
    public static final int BOOT_ERROR = 78;

    private ExitCodes() {
    }

    static String describe(int code) {
        return switch (code) {
            case OUT_OF_MEMORY -> " (out of memory)";
            case IPC_LOST -> " (lost its primary)";
            case BOOT_ERROR -> " (boot error)";
            default -> "";
        };
    }
}

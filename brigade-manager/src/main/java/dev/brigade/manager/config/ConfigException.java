package dev.brigade.manager.config;

/**
 * An invalid option or brigade.yaml entry. The message starts with where the problem is (a
 * command-line option like {@code --instances}, or a path like {@code apps[1].instances}) and
 * says what was expected and what was found.
 *
 * <p>Two kinds, because the exit code differs: an invalid value is a usage error (exit code 2);
 * something named that does not exist or cannot be read ({@link #missing}: a jar, a command, a
 * file) makes the command fail (exit code 1).
 */
public final class ConfigException extends Exception {
    private final boolean missing;

    /** An invalid value at {@code where}. */
    public ConfigException(String where, String problem) {
        this(where + ": " + problem, false);
    }

    /** An invalid value, the message saying where. */
    public ConfigException(String message) {
        this(message, false);
    }

    private ConfigException(String message, boolean missing) {
        super(message);
        this.missing = missing;
    }

    /** Something {@code where} names does not exist or cannot be read. */
    public static ConfigException missing(String where, String problem) {
        return new ConfigException(where + ": " + problem, true);
    }

    /** True if something named is missing (exit code 1), false for an invalid value (exit code 2). */
    public boolean missing() {
        return missing;
    }
}

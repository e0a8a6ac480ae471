package dev.brigade.manager.config;

/**
 * An invalid option or brigade.yaml entry. The message starts with where the problem is (a
 * command-line option like {@code --instances}, or a path like {@code apps[1].instances}) and
 * says what was expected and what was found.
 */
public final class ConfigException extends Exception {
    public ConfigException(String where, String problem) {
        super(where + ": " + problem);
    }

    public ConfigException(String message) {
        super(message);
    }
}

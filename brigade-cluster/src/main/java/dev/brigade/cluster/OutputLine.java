package dev.brigade.cluster;

/**
 * One line a worker wrote to its stdout or stderr, captured by the primary.
 *
 * @param workerId the worker that wrote it
 * @param stderr   true for stderr, false for stdout
 * @param text     the line, without its line terminator (lines over 16 KiB are split)
 */
public record OutputLine(int workerId, boolean stderr, String text) {
    @Override
    public String toString() {
        return "[worker " + workerId + (stderr ? " err] " : "] ") + text;
    }
}

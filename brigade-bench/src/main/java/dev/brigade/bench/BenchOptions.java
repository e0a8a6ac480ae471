package dev.brigade.bench;

import java.util.List;

/**
 * Options every suite receives.
 *
 * @param quick smoke-test mode: the whole suite in about 30 s, fewer repetitions
 * @param json  the caller wants the JSON report (suites should not print to stdout then)
 * @param frameworks the ports suite's framework apps to run ({@code --frameworks}); null: every one present
 */
public record BenchOptions(boolean quick, boolean json, List<String> frameworks) {
    /**
     * Options without a framework selection.
     *
     * @param quick smoke-test mode
     * @param json  the JSON report
     */
    public BenchOptions(boolean quick, boolean json) {
        this(quick, json, null);
    }
}

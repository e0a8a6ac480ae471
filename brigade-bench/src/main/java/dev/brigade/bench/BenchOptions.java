package dev.brigade.bench;

/**
 * Options every suite receives.
 *
 * @param quick smoke-test mode: the whole suite in about 30 s, fewer repetitions
 * @param json  the caller wants the JSON report (suites should not print to stdout then)
 */
public record BenchOptions(boolean quick, boolean json) {
}

package dev.brigade.bench;

import java.util.Arrays;

/**
 * Order statistics over samples. Percentiles use the nearest-rank method on a sorted copy:
 * {@code percentile(s, 50)} of an even-sized sample is the lower middle value for
 * {@code long[]}; {@link #median} averages the two middle values.
 */
public final class Stats {
    private Stats() {
    }

    /** The median; the mean of the two middle values for an even count. */
    public static double median(double[] samples) {
        double[] s = sorted(samples);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    /** The median; the mean of the two middle values for an even count. */
    public static double median(long[] samples) {
        long[] s = sorted(samples);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + (double) s[n / 2]) / 2.0;
    }

    /** The p-th percentile (0 < p <= 100), nearest rank: the smallest value with at least p% at or below it. */
    public static double percentile(double[] samples, double p) {
        double[] s = sorted(samples);
        return s[rank(s.length, p)];
    }

    /** The p-th percentile (0 < p <= 100), nearest rank. */
    public static long percentile(long[] samples, double p) {
        long[] s = sorted(samples);
        return s[rank(s.length, p)];
    }

    public static double mean(double[] samples) {
        check(samples.length);
        return Arrays.stream(samples).average().orElseThrow();
    }

    public static double min(double[] samples) {
        check(samples.length);
        return Arrays.stream(samples).min().orElseThrow();
    }

    public static double max(double[] samples) {
        check(samples.length);
        return Arrays.stream(samples).max().orElseThrow();
    }

    private static int rank(int n, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        return Math.max(0, (int) Math.ceil(p / 100.0 * n) - 1);
    }

    private static double[] sorted(double[] samples) {
        check(samples.length);
        double[] s = samples.clone();
        Arrays.sort(s);
        return s;
    }

    private static long[] sorted(long[] samples) {
        check(samples.length);
        long[] s = samples.clone();
        Arrays.sort(s);
        return s;
    }

    private static void check(int n) {
        if (n == 0) {
            throw new IllegalArgumentException("no samples");
        }
    }
}

package dev.brigade.examples.demo;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** The demo's CPU-heavy work: PBKDF2-HMAC-SHA256, calibrated to take about 5 ms on this machine. */
public final class HashWork {
    private final double targetMillis;
    private volatile int iterations; // 0 until calibrated

    private HashWork(int iterations, double targetMillis) {
        this.iterations = iterations;
        this.targetMillis = targetMillis;
    }

    /** Calibrates the iteration count now, so that one hash takes about {@code targetMillis}. */
    public static HashWork calibrated(double targetMillis) {
        return new HashWork(calibrate(targetMillis), targetMillis);
    }

    /**
     * The same, calibrated by the first hash instead of now: a server that starts with it is listening
     * sooner (the calibration is ~40 hashes, slow in a JVM that has not compiled them yet).
     */
    public static HashWork lazy(double targetMillis) {
        return new HashWork(0, targetMillis);
    }

    private static int calibrate(double targetMillis) {
        HashWork probe = new HashWork(2_000, targetMillis);
        for (int i = 0; i < 20; i++) {
            probe.hash("warm-up");
        }
        long t0 = System.nanoTime();
        int n = 20;
        for (int i = 0; i < n; i++) {
            probe.hash("calibrate");
        }
        double perIterationMs = (System.nanoTime() - t0) / 1e6 / n / probe.iterations;
        return (int) Math.max(1_000, targetMillis / perIterationMs);
    }

    public int iterations() {
        int n = iterations;
        if (n == 0) {
            synchronized (this) {
                if (iterations == 0) {
                    iterations = calibrate(targetMillis);
                }
                n = iterations;
            }
        }
        return n;
    }

    public String hash(String password) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), "brigade-salt".getBytes(), iterations(), 256);
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return HexFormat.of().formatHex(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
        }
    }
}

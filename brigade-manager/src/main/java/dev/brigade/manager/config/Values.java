package dev.brigade.manager.config;

import java.util.Locale;

/** Parses option values (instances, sizes, durations) with errors that name the option and the value. */
final class Values {
    private Values() {
    }

    /** A positive integer, or {@code max} (one per core). */
    static int instances(String where, Object v) throws ConfigException {
        if (v == null) {
            return 1;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("max")) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where, "expected a positive integer or \"max\", got \"" + s + "\"");
    }

    static int port(String where, Object v) throws ConfigException {
        if (v == null) {
            return 0;
        }
        try {
            int p = Integer.parseInt(v.toString().trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where, "expected a port number in 0..65535, got \"" + v + "\"");
    }

    static int count(String where, Object v, int dflt) throws ConfigException {
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.toString().trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where, "expected a non-negative integer, got \"" + v + "\"");
    }

    /** Bytes: {@code 512M}, {@code 1G}, {@code 800K}, {@code 1048576}; 0 = none. */
    static long bytes(String where, Object v) throws ConfigException {
        if (v == null) {
            return 0;
        }
        String s = v.toString().trim().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
        long unit = 1;
        if (!s.isEmpty() && "KMG".indexOf(s.charAt(s.length() - 1)) >= 0) {
            unit = 1L << (10 * ("KMG".indexOf(s.charAt(s.length() - 1)) + 1));
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s.trim());
            if (n >= 0) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where, "expected a size like 512M, 1G or 800K, got \"" + v + "\"");
    }

    /** Milliseconds: {@code 500ms}, {@code 5s}, {@code 2m}, or a plain number of milliseconds; must be positive. */
    static long millis(String where, Object v, long dflt) throws ConfigException {
        if (v == null) {
            return dflt;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("ms")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unit = 1000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unit = 60_000;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s.trim());
            if (n > 0) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where, "expected a positive duration like 500ms, 5s or 2m, got \"" + v + "\"");
    }
}

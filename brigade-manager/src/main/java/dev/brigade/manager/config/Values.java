package dev.brigade.manager.config;

import java.util.Locale;

/** Parses option values (instances, sizes, durations) with errors that name the option and the value. */
final class Values {
    private Values() {
    }

    /** 1..1024, or {@code max} (one per core); PM2's 0 (one per core) and -1 (one less than the cores, at least 1) too. */
    static int instances(String where, Object v) throws ConfigException {
        if (v == null) {
            return 1;
        }
        String s = v.toString().trim();
        int cores = dev.brigade.manager.container.CpuQuota.cores(); // the container's CPU quota, if any
        if (s.equalsIgnoreCase("max") || s.equals("0")) {
            return cores;
        }
        if (s.equals("-1")) {
            return Math.max(1, cores - 1);
        }
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(where, "expected an integer in 1..1024, \"max\", 0 (max) or -1 (one less than the cores), got \"" + s + "\"");
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

    /** An address to bind declared ports to: an IP literal or a host name; {@code *} for every interface. */
    static String host(String where, String v) throws ConfigException {
        String h = v.trim();
        if (h.equals("*")) {
            return h;
        }
        try {
            if (!h.isEmpty() && !h.matches(".*\\s.*")) {
                java.net.InetAddress.getByName(h);
                return h;
            }
        } catch (java.net.UnknownHostException e) {
            // reported below
        }
        throw new ConfigException(where, "expected an IP address or a host name to bind to (127.0.0.1, ::1, localhost, * for every interface), got \"" + v + "\"");
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

    /** Bytes: {@code 800K}, {@code 512M}, {@code 1G} (also {@code 512MB}, {@code 512MiB}); a bare number is refused (no unit). */
    static long bytes(String where, Object v) throws ConfigException {
        if (v == null) {
            return 0;
        }
        String s = v.toString().trim().toUpperCase(Locale.ROOT).replaceFirst("I?B$", "");
        int unit = s.isEmpty() ? -1 : "KMG".indexOf(s.charAt(s.length() - 1));
        if (unit >= 0) {
            try {
                long n = Long.parseLong(s.substring(0, s.length() - 1).trim());
                if (n >= 0) {
                    return n << (10 * (unit + 1));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ConfigException(where, "expected a size with a unit, like 800K, 512M or 1G"
                + (v.toString().trim().matches("\\d+") ? " (a bare number has no unit)" : "") + ", got \"" + v + "\"");
    }

    /** {@code true} or {@code false} (a YAML boolean or those words); {@code dflt} when absent. */
    static boolean bool(String where, Object v, boolean dflt) throws ConfigException {
        if (v == null) {
            return dflt;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(where, "expected true or false, got \"" + v + "\"");
    }

    /** Milliseconds: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}; positive; a bare number is refused (no unit). */
    static long millis(String where, Object v, long dflt) throws ConfigException {
        if (v == null) {
            return dflt;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h)").matcher(s);
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                long unit = switch (m.group(2)) {
                    case "ms" -> 1;
                    case "s" -> 1000;
                    case "m" -> 60_000;
                    default -> 3_600_000;
                };
                if (n > 0) {
                    return Math.multiplyExact(n, unit);
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // reported below
            }
        }
        throw new ConfigException(where, "expected a positive duration with a unit, like 500ms, 5s, 2m or 1h"
                + (s.matches("\\d+") ? " (a bare number has no unit)" : "") + ", got \"" + v + "\"");
    }
}

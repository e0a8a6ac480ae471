package dev.brigade.manager.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JDK an app's JVMs run on ({@code --java PATH|VERSION}, yaml {@code java:}): a feature version
 * (17, 21, 25) is looked up among the installed JDKs ({@code $JAVA_HOME}, the JDK this command runs
 * on, {@code /usr/lib/jvm/*}, {@code ~/.sdkman/candidates/java/*}), each known by the
 * {@code JAVA_VERSION} of its {@code release} file; a path is a JDK's home or its {@code bin/java}.
 * Worker JVMs need JDK 17 or later (brigade-agent's release).
 */
public final class Jdks {
    /** The oldest JDK a worker runs on. */
    static final int MIN_FEATURE = 17;

    /** An installed JDK: its home, its feature version and its full version. */
    record Jdk(Path home, int feature, String version) {
        String java() {
            return home.resolve("bin").resolve("java").toString();
        }

        @Override
        public String toString() {
            return feature + " (" + version + ", " + home + ")";
        }
    }

    private Jdks() {
    }

    /** The {@code java} binary {@code value} names; {@code where} is the option's name for errors ("--java"). */
    static String resolve(String where, String value, Path cwd, String currentJava) throws ConfigException {
        String v = value.trim();
        if (v.matches("\\d+")) {
            int feature = Integer.parseInt(v);
            for (Jdk jdk : installed(currentJava)) {
                if (jdk.feature() == feature) {
                    return jdk.java();
                }
            }
            throw new ConfigException(where, "no JDK " + feature + " is installed (got \"" + value + "\"; valid: a JDK home or its bin/java, "
                    + "or the version of an installed JDK; found: " + found(currentJava) + ")");
        }
        Path p = cwd.resolve(v).normalize();
        // a file is taken for bin/java, two levels under its home; a directory, or nothing there, for the home itself
        Path home = Files.isDirectory(p) || !Files.exists(p) ? p
                : p.getParent() != null && p.getParent().getParent() != null ? p.getParent().getParent() : p;
        Jdk jdk = read(home);
        if (jdk == null || !Files.isExecutable(home.resolve("bin").resolve("java"))) {
            throw new ConfigException(where, p + " is not a JDK (no bin/java and release file with JAVA_VERSION under " + home
                    + "; got \"" + value + "\"; valid: a JDK home or its bin/java, or a version; found: " + found(currentJava) + ")");
        }
        if (jdk.feature() < MIN_FEATURE) {
            throw new ConfigException(where, home + " is JDK " + jdk.version() + ": Brigade's JVMs need JDK " + MIN_FEATURE
                    + " or later (got \"" + value + "\"; found: " + found(currentJava) + ")");
        }
        return jdk.java();
    }

    /** "JDK 21 (21.0.5, /usr/lib/jvm/x)" for the JDK of {@code javaBin}, or the path alone if it has no release file. */
    public static String describe(String javaBin) {
        Path bin = Path.of(javaBin).toAbsolutePath().getParent();
        Jdk jdk = bin == null || bin.getParent() == null ? null : read(bin.getParent());
        return jdk == null ? javaBin : "JDK " + jdk.feature() + " (" + jdk.version() + ", " + javaBin + ")";
    }

    private static String found(String currentJava) {
        List<Jdk> all = installed(currentJava);
        return all.isEmpty() ? "none" : String.join(", ", all.stream().map(Jdk::toString).toList());
    }

    /** The JDKs found, most preferred first: $JAVA_HOME, this command's own, then the usual directories. */
    static List<Jdk> installed(String currentJava) {
        Map<Path, Jdk> out = new LinkedHashMap<>();
        List<Path> homes = new ArrayList<>();
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            homes.add(Path.of(javaHome));
        }
        Path bin = currentJava == null ? null : Path.of(currentJava).toAbsolutePath().getParent();
        if (bin != null && bin.getParent() != null) {
            homes.add(bin.getParent());
        }
        homes.addAll(children(Path.of("/usr/lib/jvm")));
        homes.addAll(children(Path.of(System.getProperty("user.home", "/"), ".sdkman", "candidates", "java")));
        for (Path h : homes) {
            Jdk jdk = read(h);
            if (jdk != null && jdk.feature() >= MIN_FEATURE && Files.isExecutable(h.resolve("bin").resolve("java"))) {
                out.putIfAbsent(realPath(h), jdk);
            }
        }
        return List.copyOf(out.values());
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                out.add(p);
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /** The JDK at {@code home} from its release file, or null. */
    static Jdk read(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring(13).replace("\"", "").trim();
                    String first = version.startsWith("1.") ? version.substring(2) : version;
                    return new Jdk(home.toAbsolutePath().normalize(), Integer.parseInt(first.split("[.+_-]")[0]), version);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}

package dev.brigade.agent.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The worker JDKs to test on: every one of these that is installed, and at least one. */
public final class Jdks {
    private static final Map<String, Path> CANDIDATES = Map.of(
            "jdk17", Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"),
            "jdk25", Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"));

    private Jdks() {
    }

    public record Jdk(String name, Path java) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** @throws AssertionError naming the paths looked at when none exists: a skipped JDK must be visible */
    public static List<Jdk> installed() {
        List<Jdk> found = CANDIDATES.entrySet().stream().filter(e -> Files.isExecutable(e.getValue()))
                .map(e -> new Jdk(e.getKey(), e.getValue())).sorted((a, b) -> a.name().compareTo(b.name())).toList();
        if (found.isEmpty()) {
            throw new AssertionError("no worker JDK installed: looked for " + CANDIDATES.values()
                    + "; install JDK 17 or 25 there to run the agent's integration tests");
        }
        return found;
    }
}

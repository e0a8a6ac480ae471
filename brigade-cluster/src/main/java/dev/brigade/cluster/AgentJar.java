package dev.brigade.cluster;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the brigade-agent jar that workers get with {@code -javaagent} when ports are declared. */
final class AgentJar {
    private AgentJar() {
    }

    /** The agent jar, or null if none can be found (then declared ports need {@code agentJar(...)}). */
    static Path locate() {
        String explicit = System.getProperty("brigade.agent.jar");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (isAgentJar(Path.of(entry))) {
                return Path.of(entry).toAbsolutePath();
            }
        }
        try {
            Path self = Path.of(AgentJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(self) ? null : self.getParent();
            if (dir != null) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "brigade-agent-*.jar")) {
                    for (Path p : jars) {
                        return p.toAbsolutePath();
                    }
                }
            }
        } catch (IOException | URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
        return null;
    }

    private static boolean isAgentJar(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        return name.startsWith("brigade-agent-") && name.endsWith(".jar") && Files.isRegularFile(p);
    }
}

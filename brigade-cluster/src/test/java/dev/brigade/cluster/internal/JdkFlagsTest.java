package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.StartupProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Flags chosen by the workers' JDK version: versions are read right, and each JDK accepts its flags. */
class JdkFlagsTest {
    @Test
    void release_versions_parse() {
        assertThat(Archive.parseVersion("21.0.1")).isEqualTo(Runtime.Version.parse("21.0.1"));
        assertThat(Archive.parseVersion("25")).isEqualTo(Runtime.Version.parse("25"));
        assertThat(Archive.parseVersion("22-ea").feature()).isEqualTo(22);
        assertThat(Archive.parseVersion("17.0.15+6").update()).isEqualTo(15);
        assertThat(Archive.parseVersion("1.8.0_402").feature()).isEqualTo(8);
    }

    /** Every JDK installed here accepts every flag the profiles choose for its version (an unknown flag stops the JVM). */
    @Test
    void every_installed_jdk_accepts_the_flags_chosen_for_it() throws Exception {
        List<Path> javas = new ArrayList<>();
        javas.add(Path.of(System.getProperty("java.home"), "bin", "java"));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (var dirs = Files.list(jvms)) {
                dirs.map(d -> d.resolve("bin/java")).filter(Files::isExecutable).forEach(javas::add);
            }
        }
        for (Path java : javas) {
            Runtime.Version v = Archive.javaVersion(java);
            for (StartupProfile p : StartupProfile.values()) {
                List<String> cmd = new ArrayList<>(List.of(java.toString()));
                cmd.addAll(p.flags(v));
                cmd.add("-version");
                Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(proc.getInputStream().readAllBytes());
                assertThat(proc.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(proc.exitValue()).as("%s (JDK %s) with %s:%n%s", java, v, p, out).isZero();
            }
        }
    }
}

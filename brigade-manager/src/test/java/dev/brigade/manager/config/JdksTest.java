package dev.brigade.manager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.brigade.manager.daemon.AppSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java:} in brigade.yaml and ecosystem files: a JDK by version or path (issue 13, item 4). */
class JdksTest {
    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    @TempDir
    Path dir;

    @Test
    void a_version_in_brigade_yaml_names_an_installed_jdk_and_an_ecosystem_file_takes_the_same_key() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK17.resolve("bin/java")), "skipped: no JDK 17 at " + JDK17);
        Files.writeString(dir.resolve("app.jar"), "x");
        Path yaml = Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - name: api\n    script: app.jar\n    port: 0\n    java: 17\n");
        List<AppSpec> specs = BrigadeYaml.load(yaml, null);
        assertThat(Path.of(specs.get(0).java().javaBin()).toRealPath()).isEqualTo(JDK17.resolve("bin/java").toRealPath());
        assertThat(specs.get(0).command().get(0)).isEqualTo(specs.get(0).java().javaBin());
        Path json = Files.writeString(dir.resolve("ecosystem.config.json"),
                "{\"apps\": [{\"name\": \"api\", \"script\": \"app.jar\", \"java\": \"" + JDK17 + "\"}]}");
        assertThat(Path.of(BrigadeYaml.load(json, null).get(0).java().javaBin()).toRealPath())
                .isEqualTo(JDK17.resolve("bin/java").toRealPath());
        assertThat(Jdks.describe(specs.get(0).java().javaBin())).startsWith("JDK 17 (17.");
    }

    @Test
    void an_unknown_version_a_non_jdk_path_and_a_jdk_older_than_17_are_refused_naming_the_entry_and_the_jdks_found() throws Exception {
        Files.writeString(dir.resolve("app.jar"), "x");
        Path yaml = Files.writeString(dir.resolve("brigade.yaml"), "apps:\n  - script: app.jar\n    java: 99\n");
        Throwable unknown = catchThrowable(() -> BrigadeYaml.load(yaml, null));
        assertThat(unknown).isInstanceOf(ConfigException.class)
                .hasMessageContaining("apps[0].java: no JDK 99 is installed").hasMessageContaining("found: ")
                .hasMessageContaining(Runtime.version().feature() + " (");
        Path notJdk = Files.createDirectories(dir.resolve("notjdk/bin"));
        Throwable path = catchThrowable(() -> Jdks.resolve("--java", notJdk.getParent().toString(), dir, null));
        assertThat(path).hasMessageContaining("--java: " + notJdk.getParent() + " is not a JDK");
        Throwable missing = catchThrowable(() -> Jdks.resolve("--java", "abc", dir, null)); // names the directory it looked in
        assertThat(missing).hasMessageContaining("--java: " + dir.resolve("abc") + " is not a JDK (no bin/java and release file with "
                + "JAVA_VERSION under " + dir.resolve("abc") + "; got \"abc\"");
        Path old = Files.createDirectories(dir.resolve("jdk8/bin"));
        Files.writeString(old.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(old.resolve("java"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(old.getParent().resolve("release"), "JAVA_VERSION=\"1.8.0_402\"\n");
        Throwable tooOld = catchThrowable(() -> Jdks.resolve("--java", old.getParent().toString(), dir, null));
        assertThat(tooOld).hasMessageContaining("is JDK 1.8.0_402: Brigade's JVMs need JDK 17 or later");
    }
}

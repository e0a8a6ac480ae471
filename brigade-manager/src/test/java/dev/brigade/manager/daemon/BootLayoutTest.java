package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar's hash, which names its layout, is read again only when the jar's size or time changed. */
class BootLayoutTest {
    @TempDir
    Path dir;

    @Test
    void a_jar_with_the_same_size_and_time_is_not_read_again_and_a_changed_time_is() throws Exception {
        Path jar = dir.resolve("app.jar");
        Files.writeString(jar, "version one");
        FileTime t = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(jar, t);
        String first = BootLayout.hashOf(jar, t);

        Files.writeString(jar, "version two"); // same size: with its time put back, it passes for the same jar
        Files.setLastModifiedTime(jar, t);
        assertThat(BootLayout.hashOf(jar, t)).isEqualTo(first);

        FileTime later = FileTime.fromMillis(1_700_000_001_000L);
        Files.setLastModifiedTime(jar, later);
        String second = BootLayout.hashOf(jar, later);
        assertThat(second).isNotEqualTo(first).hasSize(20);

        Files.writeString(jar, "version three, longer"); // another size, its time set back: read again
        Files.setLastModifiedTime(jar, later);
        assertThat(BootLayout.hashOf(jar, later)).isNotEqualTo(second);
    }
}

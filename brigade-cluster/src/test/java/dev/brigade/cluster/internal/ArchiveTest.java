package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's life cycle on real files: train once, reuse, invalidate when a jar changes. */
class ArchiveTest {
    static final Path JAVA = Path.of(ProcessHandle.current().info().command().orElseThrow());

    static String trainingTarget(List<String> flags) {
        String f = flags.get(0);
        return f.substring(f.indexOf('=') + 1);
    }

    @Test
    void the_first_worker_trains_the_next_ones_reuse_and_a_changed_jar_invalidates(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("app.jar"), new byte[] {1});
        Path archives = dir.resolve("archives");
        var parts = new CommandLine.Parts(List.of("-Xss256k"), List.of(jar.toString()), List.of("Main"));
        Archive a = new Archive(true, archives, JAVA, parts);
        List<String> first = a.nextFlags();
        assertThat(a.isTraining(first)).isTrue();
        if (Archive.javaFeature(JAVA) >= 25) {
            assertThat(first).as("an AOT cache without linked classes: smaller idle workers, as fast to start")
                    .contains("-XX:-AOTClassLinking");
        }
        assertThat(a.nextFlags()).as("while one worker trains, others start plain").isEmpty();
        Files.write(Path.of(trainingTarget(first)), new byte[] {42}); // what the JVM writes as it exits
        a.trainerExited();
        assertThat(a.ready()).isTrue();
        List<String> reuse = a.nextFlags();
        assertThat(reuse.get(0)).matches("-XX:(AOTCache|SharedArchiveFile)=.*");
        assertThat(a.isTraining(reuse)).isFalse();
        Path published = Path.of(trainingTarget(reuse));

        Files.write(jar, new byte[] {1, 2}); // a new app version
        Archive b = new Archive(true, archives, JAVA, parts);
        assertThat(b.ready()).isFalse();
        List<String> retrain = b.nextFlags();
        assertThat(b.isTraining(retrain)).isTrue();
        Files.write(Path.of(trainingTarget(retrain)), new byte[] {7});
        b.trainerExited();
        assertThat(published).as("the stale archive of the old jars is deleted").doesNotExist();
        assertThat(b.ready()).isTrue();
    }

    @Test
    void a_class_path_with_directories_gets_no_archive(@TempDir Path dir) {
        var parts = new CommandLine.Parts(List.of(), List.of(dir.toString()), List.of("Main"));
        Archive a = new Archive(true, dir.resolve("archives"), JAVA, parts);
        assertThat(a.nextFlags()).isEmpty();
        assertThat(a.describe()).contains("is not a jar");
        assertThat(new Archive(false, dir, JAVA, parts).describe()).isEqualTo("off (classDataArchive=false)");
    }

    @Test
    void an_archive_directory_others_may_write_is_never_used_and_a_fresh_one_is_private(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("app.jar"), new byte[] {1});
        var parts = new CommandLine.Parts(List.of(), List.of(jar.toString()), List.of("Main"));
        Path fresh = dir.resolve("cache/brigade/archives");
        assertThat(new Archive(true, fresh, JAVA, parts).nextFlags()).isNotEmpty();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");

        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Archive planted = new Archive(true, shared, JAVA, parts);
        assertThat(planted.nextFlags()).as("an archive someone else could plant would run as this user").isEmpty();
        assertThat(catchThrowable(() -> Archive.privateDir(shared))).hasMessageContaining("mode 777").hasMessageContaining("chmod 700");
    }

    @Test
    void training_files_of_a_dead_primary_are_swept(@TempDir Path dir) throws Exception {
        Path archives = Files.createDirectory(dir.resolve("archives"));
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path leftover = Files.write(archives.resolve("abc-def.aot.tmp" + dead.pid()), new byte[1024]);
        Path config = Files.write(archives.resolve("abc-def.aot.tmp" + dead.pid() + ".config"), new byte[1]);
        Path mine = Files.write(archives.resolve("abc-def.aot.tmp" + ProcessHandle.current().pid()), new byte[1]);
        Archive.privateDir(archives);
        assertThat(leftover).doesNotExist();
        assertThat(config).doesNotExist();
        assertThat(mine).as("a live primary's training file stays").exists();
    }
}

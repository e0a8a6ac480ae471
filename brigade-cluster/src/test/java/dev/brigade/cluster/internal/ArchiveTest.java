package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The archive's life cycle with real JVMs: record in a real process, start from it, refuse what the JVM refuses. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ArchiveTest {
    static final Path JAVA = Path.of(ProcessHandle.current().info().command().orElseThrow());
    private static final Duration LONG = Duration.ofSeconds(180);

    /** A real run: {@code java flags -cp jar ArchiveApp args}; stdout lines, and the process when {@code wait}. */
    private record Run(Process process, List<String> out, List<String> raw) {
    }

    private static Run run(List<String> flags, Path jar, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", jar.toString(), ArchiveApp.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (args.length > 0) {
            return new Run(p, List.of(), List.of());
        }
        return finish(p, null);
    }

    private static Run finish(Process p, Archive a) throws Exception {
        p.getOutputStream().close();
        List<String> raw = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(raw.toString()).isZero();
        return new Run(p, raw.stream().filter(l -> a == null || !a.isNoise(l)).toList(), raw);
    }

    static Path jar(Path dir, String file, String extra) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ArchiveApp.class.getName()); // for -jar launches
        Path jar = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            String entry = ArchiveApp.class.getName().replace('.', '/') + ".class";
            try (InputStream in = ArchiveApp.class.getClassLoader().getResourceAsStream(entry)) {
                j.putNextEntry(new JarEntry(entry));
                in.transferTo(j);
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("version.txt"));
            j.write(extra.getBytes());
            j.closeEntry();
        }
        return jar;
    }

    private static Path archiveIn(List<String> useFlags) {
        String f = useFlags.get(0);
        return Path.of(f.substring(f.indexOf('=') + 1));
    }

    /** Records in a real JVM (which exits normally) and waits until the archive is published. */
    private static Path record(Archive a, Path jar) throws Exception {
        List<String> rec = a.nextFlags();
        assertThat(a.isTraining(rec)).as(rec.toString()).isTrue();
        Run r = finish(run(rec, jar, "wait").process(), a);
        assertThat(r.out()).as("nothing of the recording in the app's output").containsExactly("hello");
        a.trainerExited();
        await().atMost(LONG).until(a::ready);
        return archiveIn(a.nextFlags());
    }

    /*
     * A worker launched with -jar (a Spring Boot layout's launcher under the same cache as the archives): the JDK stores
     * the recorded class path relative to what it shares with the configuration's directory, and an assembly with no
     * -cp of its own then fails ("Required classpath entry does not exist: run.jar"): the cache was never made.
     */
    @Test
    void a_jar_launch_whose_jar_shares_a_directory_with_the_archives_is_assembled_and_used(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Archive.javaFeature(JAVA) >= 25, "the AOT cache's assembly step is JDK 25's");
        Path jar = jar(Files.createDirectories(dir.resolve("layouts")), "run.jar", "v1");
        Archive a = new Archive(true, dir.resolve("archives"), JAVA, new CommandLine.Parts(List.of(), List.of(), List.of("-jar", jar.toString())));
        List<String> rec = a.nextFlags();
        assertThat(a.isTraining(rec)).as(rec.toString()).isTrue();
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString()));
        cmd.addAll(rec);
        cmd.addAll(List.of("-jar", jar.toString(), "wait"));
        finish(new ProcessBuilder(cmd).redirectErrorStream(true).start(), a);
        a.trainerExited();
        await().atMost(LONG).until(() -> a.ready() || a.describe().startsWith("none"));
        assertThat(a.describe()).as("assembled").contains("AOT cache, ");
        List<String> use = new ArrayList<>(a.nextFlags());
        use.add(0, JAVA.toString());
        use.add("-Xlog:class+load=info:file=" + dir.resolve("classes.log"));
        use.addAll(List.of("-jar", jar.toString()));
        finish(new ProcessBuilder(use).redirectErrorStream(true).start(), a);
        assertThat(Files.readString(dir.resolve("classes.log")))
                .as("the JVM loaded the app's class from the archive").contains(ArchiveApp.class.getName() + " source: shared objects file");
    }

    @Test
    void the_first_process_records_the_next_starts_from_the_archive_and_a_changed_jar_records_anew(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "app.jar", "v1");
        Archive a = Archive.forProcess(dir.resolve("archives"), JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp");
        List<String> rec = a.nextFlags();
        assertThat(a.isTraining(rec)).isTrue();
        assertThat(a.nextFlags()).as("while one process records, others start with no archive of the app").noneMatch(ArchiveTest::ofTheApp);
        Run recorded = finish(run(rec, jar, "wait").process(), a);
        assertThat(recorded.out()).containsExactly("hello");
        assertThat(recorded.raw().size() - recorded.out().size()).as("the JVM's own line, dropped").isLessThanOrEqualTo(1);
        a.trainerExited();
        await().atMost(LONG).until(a::ready);
        assertThat(a.describe()).containsAnyOf("AOT cache, ", "AppCDS archive, ").contains(" MB");

        List<String> use = a.nextFlags();
        assertThat(a.isTraining(use)).isFalse();
        Path published = archiveIn(use);
        List<String> withEvidence = new ArrayList<>(use);
        withEvidence.add("-Xlog:class+load=info:file=" + dir.resolve("classes.log"));
        Run fromArchive = run(withEvidence, jar);
        assertThat(fromArchive.raw()).as("nothing but the app's own output").containsExactly("hello");
        assertThat(Files.readString(dir.resolve("classes.log")))
                .as("the JVM loaded the app's class from the archive").contains(ArchiveApp.class.getName() + " source: shared objects file");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(published))).isEqualTo("rw-------");
        try (var files = Files.list(dir.resolve("archives"))) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).as("the JVM's verdict on the archive, in a file of ours").anyMatch(f -> f.getFileName().toString().contains(".tmp"));
            assertThat(written).as("every file there, the JVM's logs too, is owner-only").allSatisfy(f ->
                    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                            .isEqualTo("rw-------"));
        }

        Files.delete(jar);
        jar(dir, "app.jar", "v2"); // a new version of the app
        List<String> again = a.nextFlags();
        assertThat(a.isTraining(again)).as("a changed jar records anew").isTrue();
        assertThat(published).as("the old version's archive stays until the new one exists").exists();
        finish(run(again, jar, "wait").process(), a);
        a.trainerExited();
        await().atMost(LONG).until(a::ready);
        assertThat(published).as("then it goes").doesNotExist();
    }

    /** A flag that records or maps an archive of the app (not the base archive of the JDK, which holds none of its classes). */
    private static boolean ofTheApp(String flag) {
        return flag.startsWith("-XX:AOTMode=") || flag.startsWith("-XX:AOTCache=") || flag.startsWith("-XX:ArchiveClassesAtExit=")
                || flag.startsWith("-XX:SharedArchiveFile=") && !flag.contains("/base-");
    }

    @Test
    void a_process_with_no_archive_lists_its_classes_for_the_base_archive_that_the_first_start_of_a_new_version_maps(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(Archive.javaFeature(JAVA) >= 25, "the base archive is made for JDK 25's AOT caches");
        Path jar = jar(dir, "app.jar", "v1");
        Path archives = dir.resolve("archives");
        Archive a = Archive.forProcess(archives, JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp");
        List<String> rec = a.nextFlags();
        Process recorder = run(rec, jar, "wait").process();
        List<String> listing = a.nextFlags();
        assertThat(listing).as("a process started while the app records lists the classes it loads")
                .singleElement().asString().startsWith("-XX:DumpLoadedClassList=" + archives);
        Path list = Path.of(listing.get(0).substring(listing.get(0).indexOf('=') + 1));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(list)))
                .as("the list the JVM writes into is private").isEqualTo("rw-------");
        assertThat(a.nextFlags()).as("one list is enough").isEmpty();
        assertThat(run(listing, jar).raw()).as("nothing but the app's own output").containsExactly("hello");
        finish(recorder, a);
        a.trainerExited();
        await().atMost(LONG).until(a::ready);
        Path base = await().atMost(LONG).until(() -> {
            try (var files = Files.list(archives)) {
                return files.filter(p -> p.getFileName().toString().matches("base-[0-9a-f]+\\.jsa")).findFirst().orElse(null);
            }
        }, p -> p != null);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(base))).isEqualTo("rw-------");
        try (var files = Files.list(archives)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("the list is gone").noneMatch(n -> n.contains("classlist"));
        }

        Files.delete(jar);
        jar(dir, "app.jar", "v2"); // a new version: while it records, the next process maps the base archive
        assertThat(a.isTraining(a.nextFlags())).isTrue();
        List<String> first = new ArrayList<>(a.nextFlags());
        assertThat(first).contains("-XX:SharedArchiveFile=" + base).noneMatch(ArchiveTest::ofTheApp);
        assertThat(a.describe()).contains("meanwhile the JDK's and the agent's classes come from " + base);
        first.add("-Xlog:cds=info:file=" + dir.resolve("cds.log"));
        assertThat(run(first, jar).raw()).as("nothing but the app's own output").containsExactly("hello");
        assertThat(Files.readString(dir.resolve("cds.log"))).as("the JVM mapped it").contains("Opened shared archive file " + base)
                .contains("Mapped static");

        byte[] whole = Files.readAllBytes(base);
        Files.write(base, java.util.Arrays.copyOf(whole, whole.length / 3)); // truncated
        assertThat(run(a.nextFlags(), jar).raw()).as("a corrupt one: the app starts normally, and says nothing about it")
                .containsExactly("hello");
        await().atMost(LONG).untilAsserted(() -> assertThat(a.describe()).contains("refused the class-data archive of the JDK"));
        assertThat(base).doesNotExist();
        assertThat(a.nextFlags()).as("it is made again from the next process with no archive")
                .singleElement().asString().startsWith("-XX:DumpLoadedClassList=");
    }

    @Test
    void a_corrupt_archive_is_refused_deleted_with_a_warning_and_the_app_starts_normally(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "app.jar", "v1");
        Archive a = Archive.forProcess(dir.resolve("archives"), JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp");
        Path archive = record(a, jar);
        byte[] head = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(head, head.length / 3)); // truncated
        Run r = run(a.nextFlags(), jar);
        assertThat(r.raw()).as("the app starts normally, and says nothing about it").containsExactly("hello");
        await().atMost(LONG).untilAsserted(() -> assertThat(a.describe()).contains("refused"));
        assertThat(archive).doesNotExist();
        assertThat(a.isTraining(a.nextFlags())).as("the next process records a new one").isTrue();
    }

    @Test
    void an_archive_of_other_flags_is_refused_by_the_jvm_and_discarded(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Archive.javaFeature(JAVA) >= 25, "the AOT cache's flag check");
        Path jar = jar(dir, "app.jar", "v1");
        Path archives = dir.resolve("archives");
        Path recorded = record(Archive.forProcess(archives, JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp"), jar);
        List<String> other = List.of("-XX:-UseCompressedOops");
        Archive b = Archive.forProcess(archives, JAVA, "app", other, List.of(jar.toString()), "ArchiveApp");
        String target = b.nextFlags().stream().filter(f -> f.startsWith("-XX:AOTConfiguration=")).findFirst().orElseThrow();
        String name = Path.of(target.substring(target.indexOf('=') + 1)).getFileName().toString();
        Path planted = archives.resolve(name.substring(0, name.indexOf(".tmp")));
        Files.copy(recorded, planted); // as if the flags had changed under the same name
        List<String> flags = new ArrayList<>(other);
        flags.addAll(b.nextFlags());
        assertThat(run(flags, jar).raw()).containsExactly("hello");
        await().atMost(LONG).untilAsserted(() -> assertThat(b.describe()).contains("refused"));
        assertThat(planted).doesNotExist();
    }

    @Test
    void a_recording_cut_off_by_sigkill_is_noticed_and_after_two_not_tried_again(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "app.jar", "v1");
        Archive a = Archive.forProcess(dir.resolve("archives"), JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp");
        a.recordSeconds(3600);
        for (int i = 0; i < Archive.MAX_CUTOFFS; i++) {
            List<String> rec = a.nextFlags();
            assertThat(a.isTraining(rec)).isTrue();
            Process p = run(rec, jar, "wait").process();
            a.spawned(rec, p.pid());
            assertThat(new String(p.getInputStream().readNBytes(6))).isEqualTo("hello\n");
            p.destroyForcibly(); // SIGKILL, as after the kill timeout
            p.waitFor();
            a.trainerExited();
            assertThat(a.describe()).contains("ended without writing it");
        }
        assertThat(a.nextFlags()).as("not recorded again until the jars change").noneMatch(ArchiveTest::ofTheApp);
        assertThat(a.describe()).startsWith("none: ").contains("not recorded again");
    }

    @Test
    void a_recording_process_that_crashed_is_not_used_and_its_version_not_recorded_again(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "app.jar", "v1");
        Archive a = Archive.forProcess(dir.resolve("archives"), JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp");
        List<String> rec = a.nextFlags();
        Run r = finish(run(rec, jar, "wait").process(), a); // it wrote its configuration as it exited
        assertThat(r.out()).containsExactly("hello");
        a.trainerExited(true); // but nobody had asked it to exit
        assertThat(a.ready()).isFalse();
        assertThat(a.nextFlags()).as("recording may be what made it fail: not again for this version").noneMatch(ArchiveTest::ofTheApp);
        assertThat(a.describe()).contains("ended without being asked to");
    }

    /** Starts a recorder of {@code a} that is asked to write after 1 s (JDK 25+), and returns it once the cache exists. */
    private static Process recordedWhileServing(Archive a, Path jar) throws Exception {
        Assumptions.assumeTrue(Archive.javaFeature(JAVA) >= 25, "AOT.end_recording");
        a.recordSeconds(1);
        List<String> rec = a.nextFlags();
        Process p = run(rec, jar, "wait").process();
        a.spawned(rec, p.pid());
        await().atMost(LONG).until(a::ready);
        return p;
    }

    @Test
    void a_serving_recorder_writes_its_configuration_when_asked_so_the_cache_exists_before_it_exits(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "app.jar", "v1");
        Archive a = Archive.forProcess(dir.resolve("archives"), JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp");
        Process p = recordedWhileServing(a, jar);
        assertThat(p.isAlive()).as("recorded while it serves").isTrue();
        Run r = finish(p, a);
        assertThat(r.out()).containsExactly("hello");
        a.trainerExited(); // nothing more to do
        assertThat(a.ready()).isTrue();
    }

    /*
     * A recorder stopped before its time writes its configuration as it exits; asked by jcmd to write it as well, a JDK
     * 25.0.3 JVM crashed (SIGSEGV in FileMapInfo::write_region, seen when a Spring Boot app was restarted 4 s after its
     * first start), and the version was never recorded. Once it is leaving, it is not asked; a request already running
     * is waited for before it is stopped.
     */
    @Test
    void a_recorder_that_is_leaving_is_not_asked_to_write_its_exit_writes_it(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Archive.javaFeature(JAVA) >= 25, "AOT.end_recording");
        Path jar = jar(dir, "app.jar", "v1");
        Archive a = Archive.forProcess(dir.resolve("archives"), JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp");
        a.recordSeconds(1);
        List<String> rec = a.nextFlags();
        Process p = run(rec, jar, "wait").process();
        a.spawned(rec, p.pid());
        assertThat(a.leaving(p.pid())).as("nothing asked it yet: it may be stopped at once").isDone();
        assertThat(a.leaving(p.pid() + 1)).as("another process").isDone();
        // past the 1 s after which it would have been asked, and longer: no jcmd was started, it serves unrecorded
        await().during(java.time.Duration.ofSeconds(3)).atMost(java.time.Duration.ofSeconds(10)).until(() -> !a.ready() && p.isAlive()
                && noJcmdLog(dir.resolve("archives")));
        finish(p, a); // it stops and writes its configuration as it exits
        a.trainerExited(p.pid(), false);
        await().atMost(LONG).until(() -> a.ready() || a.describe().contains("none"));
        assertThat(a.ready()).as(a.describe()).isTrue();
    }

    private static boolean noJcmdLog(Path archives) throws IOException {
        try (var files = Files.list(archives)) {
            return files.noneMatch(f -> f.getFileName().toString().endsWith("-jcmd.log"));
        }
    }

    /*
     * With BRIGADE_ARCHIVE_RECORD_SECONDS a recorder is done once its cache exists and may still serve when the next
     * version's recording begins; its exit used to be taken for the new recorder's, which was then dropped as "ended
     * without writing it", and that version was never recorded (brigade bench's first starts of a new version).
     */
    @Test
    void the_exit_of_a_recorder_that_wrote_early_leaves_the_next_versions_recording_alone(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "app.jar", "v1");
        Archive a = Archive.forProcess(dir.resolve("archives"), JAVA, "app", List.of(), List.of(jar.toString()), "ArchiveApp");
        Process first = recordedWhileServing(a, jar);

        Files.delete(jar);
        jar(dir, "app.jar", "v2");
        a.recordSeconds(0); // the new version's recorder writes as it exits
        List<String> again = a.nextFlags();
        assertThat(a.isTraining(again)).isTrue();
        Process second = run(again, jar, "wait").process();
        a.spawned(again, second.pid());
        finish(first, a);
        a.trainerExited(first.pid(), false); // the old version's recorder leaves while the new one records
        assertThat(a.describe()).as("still recording the new version").contains("recording the").doesNotContain("without writing");
        finish(second, a);
        a.trainerExited(second.pid(), false);
        await().atMost(LONG).until(() -> a.ready() || a.describe().contains("without writing"));
        assertThat(a.ready()).as(a.describe()).isTrue();
    }

    @Test
    void a_java_jar_worker_gets_its_archive_assembled_and_used_from_any_directory(@TempDir Path dir) throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Path jar = jar(app, "app.jar", "v1");
        Path lib = jar(app, "lib.jar", "lib"); // named by the manifest's Class-Path, as the demo server's Netty jars are
        try (var fs = java.nio.file.FileSystems.newFileSystem(jar)) {
            Manifest m = new Manifest();
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ArchiveApp.class.getName());
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, lib.getFileName().toString());
            try (OutputStream out = Files.newOutputStream(fs.getPath("META-INF/MANIFEST.MF"))) {
                m.write(out);
            }
        }
        var parts = new CommandLine.Parts(List.of(), List.of(), List.of("-jar", jar.toString()));
        Archive a = new Archive(true, dir.resolve("archives"), JAVA, parts);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")); // the daemon's directory, not the jar's
        List<String> rec = a.nextFlags();
        assertThat(a.isTraining(rec)).isTrue();
        finish(javaJar(rec, jar, elsewhere, "wait"), a);
        a.trainerExited();
        await().atMost(LONG).until(() -> a.ready() || a.describe().contains("cannot"));
        assertThat(a.describe()).as("a -jar launch is assembled with its jar as the class path")
                .doesNotContain("cannot").containsAnyOf("AOT cache, ", "AppCDS archive, ");

        List<String> use = new ArrayList<>(a.nextFlags());
        assertThat(a.isTraining(use)).isFalse();
        use.add("-Xlog:class+load=info:file=" + dir.resolve("classes.log"));
        Process q = javaJar(use, jar, elsewhere);
        assertThat(finish(q, null).raw()).containsExactly("hello");
        assertThat(Files.readString(dir.resolve("classes.log"))).contains(ArchiveApp.class.getName() + " source: shared objects file");
    }

    private static Process javaJar(List<String> flags, Path jar, Path cwd, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    }

    /*
     * A worker's agent jar is on its boot class path (so that the archive holds the agent's classes), and the JVM refuses
     * an archive whose boot class path jars changed: an upgrade of Brigade must key a new archive, not have every worker
     * refuse the old one.
     */
    @Test
    void the_agent_jar_on_the_boot_class_path_keys_the_archive_as_the_apps_jars_do(@TempDir Path dir) throws Exception {
        Path jar = jar(dir, "app.jar", "v1");
        Path agent = jar(dir, "agent.jar", "agent v1");
        var parts = new CommandLine.Parts(List.of(), List.of(jar.toString()), List.of(ArchiveApp.class.getName()));
        Archive plain = new Archive(true, dir.resolve("archives"), JAVA, parts);
        Archive before = new Archive(true, dir.resolve("archives"), JAVA, parts);
        before.alsoFlags(CommandLine.agentFlags(agent.toString()));
        String a = recording(plain.nextFlags()), b = recording(before.nextFlags());
        Files.setLastModifiedTime(agent, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(agent).toMillis() - 60_000));
        Archive after = new Archive(true, dir.resolve("archives"), JAVA, parts);
        after.alsoFlags(CommandLine.agentFlags(agent.toString()));
        assertThat(CommandLine.agentFlags(agent + "=worker:jar")).containsExactly("-Xbootclasspath/a:" + agent, "-javaagent:" + agent + "=worker:jar");
        String c = recording(after.nextFlags());
        assertThat(b).as("with the agent's jar").isNotEqualTo(a);
        assertThat(c).as("the agent's jar changed").isNotEqualTo(b);
    }

    /** The archive's file name from recording flags ({@code -XX:AOTConfiguration=DIR/NAME.tmp...} or {@code -XX:ArchiveClassesAtExit=}). */
    private static String recording(List<String> flags) {
        String f = flags.stream().filter(x -> x.startsWith("-XX:AOTConfiguration=") || x.startsWith("-XX:ArchiveClassesAtExit="))
                .findFirst().orElseThrow();
        String file = Path.of(f.substring(f.indexOf('=') + 1)).getFileName().toString();
        return file.substring(0, file.indexOf(".tmp"));
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
    void temporary_files_of_a_dead_primary_are_swept(@TempDir Path dir) throws Exception {
        Path archives = Files.createDirectory(dir.resolve("archives"));
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path leftover = Files.write(archives.resolve("abc-def.aot.tmp" + dead.pid() + "-r1.aotconf"), new byte[1024]);
        Path log = Files.write(archives.resolve("abc-def.aot.tmp" + dead.pid() + "-u2.log"), new byte[1]);
        Path mine = Files.write(archives.resolve("abc-def.aot.tmp" + ProcessHandle.current().pid() + "-r3.aotconf"), new byte[1]);
        Archive.privateDir(archives);
        assertThat(leftover).doesNotExist();
        assertThat(log).doesNotExist();
        assertThat(mine).as("a live primary's recording stays").exists();
    }

    @Test
    void archives_over_the_cap_are_evicted_least_recently_used_first(@TempDir Path dir) throws Exception {
        Path old = Files.write(dir.resolve("a-1.aot"), new byte[600]);
        Path mid = Files.write(dir.resolve("b-1.aot"), new byte[600]);
        Path now = Files.write(dir.resolve("c-1.aot"), new byte[600]);
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(1_000));
        Files.setLastModifiedTime(mid, java.nio.file.attribute.FileTime.fromMillis(2_000));
        assertThat(ArchiveFiles.evict(dir, List.of(".aot"), 1300, now)).containsExactly(old);
        assertThat(mid).exists();
        assertThat(now).exists();
    }
}

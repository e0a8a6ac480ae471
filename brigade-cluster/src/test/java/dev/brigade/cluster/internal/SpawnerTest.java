package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brigade.cluster.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SpawnerTest {
    static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    static final String CP = System.getProperty("java.class.path");

    @Test
    void child_holds_only_stdio_and_the_inherited_descriptors_of_its_parent() throws Exception {
        int[] leaky = new int[2];
        assertThat(Libc.INSTANCE.pipe2(leaky, 0)).isZero(); // not close-on-exec: closefrom must catch it
        int[] inherited = new int[2];
        assertThat(Libc.INSTANCE.pipe2(inherited, Libc.O_CLOEXEC)).isZero();
        try {
            List<String> lines = new CopyOnWriteArrayList<>();
            var child = Spawner.spawn(JAVA, List.of("java", "-Xshare:auto", "-cp", CP, FdLister.class.getName()),
                    System.getenv(), List.of(inherited[0]));
            var exit = Reaper.watch(child.pid(), "fd-lister");
            var out = OutputPump.start(child.stdoutFd(), lines::add, "out");
            OutputPump.start(child.stderrFd(), s -> { }, "err");
            assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(7));
            out.join(5000);

            Map<Integer, String> fds = new HashMap<>();
            for (String l : lines) {
                String[] p = l.split(" ", 3);
                if (p[0].equals("fd")) {
                    fds.put(Integer.parseInt(p[1]), p[2]);
                }
            }
            assertThat(fds.get(0)).isEqualTo("/dev/null");
            assertThat(fds.get(1)).startsWith("pipe:");
            assertThat(fds.get(2)).startsWith("pipe:").isNotEqualTo(fds.get(1));
            assertThat(fds.get(3)).isEqualTo(link(inherited[0]));
            Set<String> mine = anonymous(Path.of("/proc/self/fd"));
            Set<String> expected = Set.of(fds.get(1), fds.get(2), fds.get(3));
            Set<String> shared = fds.values().stream().filter(mine::contains).collect(Collectors.toSet());
            assertThat(shared).as("descriptors of the primary found in the worker").isSubsetOf(expected);
            assertThat(fds.values()).doesNotContain(link(leaky[1]));
        } finally {
            for (int fd : new int[] {leaky[0], leaky[1], inherited[0], inherited[1]}) {
                Libc.INSTANCE.close(fd);
            }
        }
    }

    @Test
    void exit_by_signal_is_reported_exactly_and_the_child_is_reaped() throws Exception {
        var child = Spawner.spawn("/bin/sleep", List.of("sleep", "30"), Map.of(), List.of());
        var exit = Reaper.watch(child.pid(), "sleep");
        OutputPump.start(child.stdoutFd(), s -> { }, "out");
        OutputPump.start(child.stderrFd(), s -> { }, "err");
        assertThat(Spawner.kill(child.pid(), 9, true)).isTrue();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.killedBy(9));
        assertThat(Path.of("/proc/" + child.pid())).doesNotExist(); // reaped: no zombie left
    }

    /** A dropped standby is killed at the lowest priority: every thread of its group, not only the one named by its pid. */
    @Test
    void the_lowest_priority_reaches_every_thread_of_the_childs_group() throws Exception {
        var child = Spawner.spawn(JAVA, List.of("java", "-Xshare:auto", "-cp", CP, FdLister.class.getName(), "wait"), Map.of(), List.of());
        var exit = Reaper.watch(child.pid(), "java");
        OutputPump.start(child.stdoutFd(), s -> { }, "out");
        OutputPump.start(child.stderrFd(), s -> { }, "err");
        try {
            Path tasks = Path.of("/proc/" + child.pid() + "/task");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
                try (var t = java.nio.file.Files.list(tasks)) {
                    return t.count() > 5; // the JVM's own threads are up
                }
            });
            assertThat(Spawner.lowestPriority(child.pid())).isTrue();
            try (var t = java.nio.file.Files.list(tasks)) {
                assertThat(t.toList()).allSatisfy(task -> assertThat(niceOf(task)).as(task.toString()).isEqualTo(19));
            }
        } finally {
            Spawner.kill(child.pid(), 9, true);
            exit.get(10, TimeUnit.SECONDS);
        }
        assertThat(Spawner.lowestPriority(child.pid())).as("a group that is gone").isFalse();
    }

    /** Field 19 of /proc/PID/task/TID/stat, after the command in parentheses. */
    private static int niceOf(Path task) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(task.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
    }

    @Test
    void missing_program_is_a_clear_error() {
        assertThatThrownBy(() -> Spawner.spawn("/nonexistent/java", List.of("java"), Map.of(), List.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/nonexistent/java").hasMessageContaining("No such file");
    }

    static String link(int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    static Set<String> anonymous(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> {
                try {
                    return Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    return "";
                }
            }).filter(t -> t.startsWith("pipe:") || t.startsWith("socket:") || t.startsWith("anon_inode:"))
                    .collect(Collectors.toSet());
        }
    }
}

package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.support.Jdks;
import dev.brigade.agent.support.Shared;
import dev.brigade.agent.support.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's leave hook (what a disconnected worker calls before its app is told anything): the
 * worker takes no new connection from the shared socket, whatever kind of acceptor its unmodified
 * server runs (selector, blocking threads already waiting in accept, asynchronous channel, Netty's
 * native epoll), while the shared socket and the other worker are untouched; its app keeps running.
 */
class LeaveTest {
    static final List<String> APPS = List.of("HttpServerApp", "ServerSocketApp", "AsyncServerApp", "JettyApp", "TomcatApp",
            "NettyEpollApp");

    static Stream<Arguments> jdkAndApp() {
        return Jdks.installed().stream().flatMap(jdk -> APPS.stream().map(app -> Arguments.of(jdk, app)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("jdkAndApp")
    @Timeout(90)
    void leavingWorker_takesNoNewConnection_andTheOtherServesThemAll(Jdks.Jdk jdk, String app) throws Exception {
        List<String> args = List.of(app, "127.0.0.1", "0");
        try (Shared shared = new Shared();
             Worker leaving = Worker.start(new Worker.Spec(jdk.java(), "LeaveOnHup", withPort(args, shared), shared.listenFds(),
                     List.of(shared.fd), true));
             Worker staying = SharedPortTest.start(jdk, app, shared)) {
            leaving.awaitReady();
            staying.awaitReady();
            String inode = Files.readSymbolicLink(Path.of("/proc/self/fd/" + shared.fd)).toString(); // socket:[N]
            assertThat(watchersOf(leaving.pid, inode)).as("the app watches the shared socket before it leaves").isNotEmpty();

            leaving.signal(1); // SIGHUP: LeaveOnHup calls the agent's leave hook
            String left = leaving.out.await(l -> l.startsWith("LEFT "), Duration.ofSeconds(30));
            assertThat(left).contains("stopped accepting on descriptors");

            Map<Integer, Integer> perPid = SharedPortTest.requests(shared.port, 100, 4);
            assertThat(perPid).as("answers per pid (leaving %d, staying %d)", leaving.pid, staying.pid)
                    .containsExactly(Map.entry(staying.pid, 100));
            assertThat(Files.exists(Path.of("/proc/" + leaving.pid + "/fd"))).as("the leaving app was told nothing: it runs").isTrue();
            assertThat(watchersOf(leaving.pid, inode)).as("descriptors and epoll sets of the leaving worker on the shared socket")
                    .isEmpty();
            assertThat(leaving.err.snapshot()).noneMatch(l -> l.startsWith("brigade-agent"));
        }
    }

    private static List<String> withPort(List<String> args, Shared shared) {
        List<String> out = new ArrayList<>(args);
        out.set(2, Integer.toString(shared.port));
        return out;
    }

    /** The descriptors of {@code pid} that are the socket {@code inode}, and its epoll registrations of that socket. */
    static List<String> watchersOf(int pid, String inode) throws IOException {
        String hex = "ino:" + Long.toHexString(Long.parseLong(inode.replaceAll("\\D", "")));
        List<String> found = new ArrayList<>();
        Path fds = Path.of("/proc/" + pid + "/fd");
        try (Stream<Path> entries = Files.list(fds)) {
            for (Path p : entries.toList()) {
                try {
                    String link = Files.readSymbolicLink(p).toString();
                    if (link.equals(inode)) {
                        found.add("fd " + p.getFileName());
                    } else if (link.equals("anon_inode:[eventpoll]")) {
                        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + p.getFileName()))) {
                            if (line.startsWith("tfd:") && line.contains(" " + hex + " ")) {
                                found.add("epoll " + p.getFileName() + ": " + line.trim());
                            }
                        }
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return found;
    }
}

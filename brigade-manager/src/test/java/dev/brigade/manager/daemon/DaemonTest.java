package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The daemon process itself: start on demand, one per home, permissions, garbage, stale sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DaemonTest {
    private final Home home;

    DaemonTest() throws IOException {
        home = new Home(Files.createTempDirectory("brigade-daemon-"));
    }

    @AfterEach
    void kill() throws IOException {
        try (DaemonClient c = DaemonClient.tryConnect(home)) {
            if (c != null) {
                c.send(new Request.Kill());
            }
        }
        daemons().forEach(ProcessHandle::destroyForcibly);
    }

    private List<ProcessHandle> daemons() {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> String.join(" ", a).contains("daemon --home " + home.dir())).orElse(false)).toList();
    }

    private static long daemonPid(DaemonClient c) throws IOException {
        Response.Ok ok = (Response.Ok) c.send(new Request.Ping());
        return Long.parseLong(ok.message().split(" ")[1]);
    }

    @Test
    void startedOnDemand_withAPrivateHomeAndSocket() throws IOException {
        try (DaemonClient c = DaemonClient.connect(home)) {
            assertThat(daemonPid(c)).isPositive();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.socket()))).isEqualTo("rw-------");
        Path fresh = home.dir().resolve("nested-home");
        new Home(fresh).prepare();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
    }

    @Test
    void racingClients_startExactlyOneDaemon() throws Exception {
        List<CompletableFuture<Long>> racers = IntStream.range(0, 4).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
            try (DaemonClient c = DaemonClient.connect(home)) {
                return daemonPid(c);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        })).toList();
        List<Long> pids = racers.stream().map(CompletableFuture::join).distinct().toList();
        assertThat(pids).hasSize(1);
        assertThat(daemons()).hasSize(1);
    }

    @Test
    void staleSocket_isReplaced() throws Exception {
        home.prepare();
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(home.socket())); // closed without unlinking: a crashed daemon's leftover
        }
        assertThat(Files.exists(home.socket())).isTrue();
        assertThat(DaemonClient.tryConnect(home)).isNull();
        try (DaemonClient c = DaemonClient.connect(home)) {
            assertThat(daemonPid(c)).isPositive();
        }
    }

    @Test
    void survivesGarbage_andRefusesOtherVersions() throws Exception {
        try (DaemonClient c = DaemonClient.connect(home)) {
            long pid = daemonPid(c);
            assertThat(rawExchange(ByteBuffer.allocate(8).putInt(0x7fffffff).putInt(42).flip())).contains("PROTOCOL", "frame length");
            assertThat(rawExchange(frame("this is not json"))).contains("PROTOCOL");
            assertThat(rawExchange(frame("{\"v\":1,\"request\":{\"type\":\"self-destruct\"}}"))).contains("PROTOCOL");
            assertThat(rawExchange(frame("{\"v\":99,\"request\":{\"type\":\"ping\"}}"))).contains("VERSION", "protocol version 1");
            try (SocketChannel half = SocketChannel.open(UnixDomainSocketAddress.of(home.socket()))) {
                half.write(ByteBuffer.wrap(new byte[] {0, 0})); // half a length, then gone
            }
            assertThat(daemonPid(c)).isEqualTo(pid); // same daemon, same connection, still serving
        }
    }

    @Test
    void unwritableHome_isAClearError() throws IOException {
        Path file = Files.writeString(home.dir().resolve("plain-file"), "x");
        Home bad = new Home(file.resolve("home"));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> DaemonClient.connect(bad)))
                .isInstanceOf(IOException.class).hasMessageContaining("BRIGADE_HOME " + bad.dir() + " cannot be created");
    }

    private static ByteBuffer frame(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).flip();
    }

    private String rawExchange(ByteBuffer bytes) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(home.socket()))) {
            ch.write(bytes);
            Response r = Protocol.readResponse(ch);
            return r.toString();
        }
    }
}

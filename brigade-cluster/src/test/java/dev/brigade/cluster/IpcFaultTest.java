package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.brigade.cluster.internal.Frame;
import dev.brigade.cluster.internal.FrameCodec;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class IpcFaultTest {
    static final Duration T = Duration.ofSeconds(15);

    /** Raw frames: truncated hello fields, an over-long header, an unknown tag, a non-boolean reply flag. */
    @ParameterizedTest
    @ValueSource(strings = {"0000000306ffff", "7fffffff00", "000000012a", "0000000a07000000000000000105"})
    void a_worker_sending_a_bad_frame_is_disconnected_and_the_others_live_on(String hex) throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().instances(2).build())) {
            var rec = new Workers.Recorder(c);
            List<ClusterWorker> ws = c.fork();
            ws.get(0).online().get(10, TimeUnit.SECONDS);
            ws.get(0).send("raw:" + hex);
            ExitStatus st = ws.get(0).exit().get(10, TimeUnit.SECONDS);
            assertThat(st).isEqualTo(ExitStatus.exited(ExitCodes.IPC_LOST));
            assertThat(rec.of(ClusterEvent.Error.class, ws.get(0))).singleElement()
                    .satisfies(e -> assertThat(e.error().code()).isEqualTo(ClusterException.Code.PROTOCOL));
            assertThat(ws.get(1).request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
            await().atMost(T).until(() -> rec.of(ClusterEvent.Online.class).size() == 3); // replaced
        }
    }

    @Test
    void a_connection_with_a_wrong_token_or_unknown_worker_is_refused() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            ClusterWorker w = c.fork().get(0);
            w.online().get(10, TimeUnit.SECONDS);
            String path = c.primary().ipcPath().toString();
            for (Frame.Hello hello : List.of(new Frame.Hello(w.id(), "wrong", w.pid()), new Frame.Hello(99, "x", 1))) {
                try (SocketChannel sc = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    sc.connect(UnixDomainSocketAddress.of(path));
                    sc.write(FrameCodec.encode(hello));
                    assertThat(sc.read(ByteBuffer.allocate(16))).as("closed without a welcome").isEqualTo(-1);
                }
            }
            assertThat(w.request("ping", T).get(10, TimeUnit.SECONDS)).isEqualTo("pong");
            assertThat(w.state()).isEqualTo(WorkerState.ONLINE);
        }
    }

    @Test
    void the_ipc_directory_is_private() throws Exception {
        try (Cluster c = Cluster.create(Workers.settings().build())) {
            var sock = c.primary().ipcPath();
            assertThat(java.nio.file.Files.getPosixFilePermissions(sock.getParent()))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            assertThat(java.nio.file.Files.getPosixFilePermissions(sock))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}

package dev.brigade.bench.cluster;

import dev.brigade.cluster.internal.Frame;
import dev.brigade.cluster.internal.FrameCodec;
import dev.brigade.cluster.internal.IpcChannel;
import dev.brigade.cluster.internal.JsonCodec;
import dev.brigade.cluster.internal.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Jazzer fuzz target for the IPC decoders: what a misbehaving or compromised worker can send.
 * Every input goes through three decoders, and each may only refuse it the documented way:
 * <ol>
 * <li>{@link FrameCodec#decode} on the input as one frame body: a frame or a
 * {@link ProtocolException}; a frame it accepts must encode back to exactly the input (the
 * format has one spelling per frame);
 * <li>an {@link IpcChannel} reading the input as a byte stream from a real Unix socket (headers,
 * bodies split anywhere, the buffer growing for big frames, EOF mid-frame): frames, then
 * {@link EOFException} or {@link ProtocolException};
 * <li>the default message codec's compact form on the input: a value or an
 * {@link IllegalArgumentException}.
 * </ol>
 * Anything else (another exception, a hang, an out-of-memory) is a finding.
 *
 * <p>Run it (≥ 60 s; never part of {@code mvn verify}) with {@code brigade-bench/fuzz/ipc-frames.sh [seconds]},
 * which fetches the pinned Jazzer (com.code-intelligence:jazzer:0.30.0) and runs
 * {@code java -cp jazzer.jar:CLASSPATH com.code_intelligence.jazzer.Jazzer --target_class=dev.brigade.bench.cluster.IpcFrameFuzz -max_total_time=60}.
 */
public final class IpcFrameFuzz {
    private static final int MAX_FRAME = 1 << 16;
    private static final ServerSocketChannel SERVER;

    static {
        try {
            Path dir = Files.createTempDirectory("brigade-fuzz-");
            dir.toFile().deleteOnExit();
            SERVER = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            SERVER.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private IpcFrameFuzz() {
    }

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        oneFrame(data);
        stream(data);
        compact(data);
    }

    private static void oneFrame(byte[] data) {
        Frame f;
        try {
            f = FrameCodec.decode(ByteBuffer.wrap(data));
        } catch (ProtocolException refused) {
            return;
        }
        ByteBuffer again = FrameCodec.encode(f);
        again.getInt();
        byte[] body = new byte[again.remaining()];
        again.get(body);
        if (!Arrays.equals(body, data)) {
            throw new IllegalStateException("decoded " + f + " but it encodes to different bytes");
        }
    }

    private static void stream(byte[] data) throws IOException {
        try (SocketChannel writer = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            writer.connect(SERVER.getLocalAddress());
            try (SocketChannel sc = SERVER.accept()) {
                writer.write(ByteBuffer.wrap(data)); // small inputs fit the socket buffer
                writer.shutdownOutput();
                IpcChannel ch = new IpcChannel(sc, MAX_FRAME, "fuzz", 1 << 20);
                try {
                    for (int frames = 0; frames <= data.length; frames++) {
                        ch.read();
                    }
                    throw new IllegalStateException("more frames than input bytes");
                } catch (EOFException | ProtocolException refused) {
                    // the two ways a stream may end
                } finally {
                    ch.close();
                }
            }
        }
    }

    private static void compact(byte[] data) {
        byte[] b = new byte[data.length + 1]; // the compact form's mark (0), then the fuzzer's bytes
        System.arraycopy(data, 0, b, 1, data.length);
        try {
            JsonCodec.INSTANCE.decode(b);
        } catch (IllegalArgumentException refused) {
            // the documented refusal
        }
    }
}

package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Every bug {@link DaemonProtocolFuzzTest} found, as a plain test of the code that had it (the input that found it is
 * also in the fuzz test's seeds, named {@code finding-*}). Before each fix the daemon dropped the connection without an
 * answer, or answered FAILED with an exception, where the protocol says PROTOCOL.
 */
class FuzzFindingsTest {
    /** A frame's bytes as a channel, the way the daemon reads a connection. */
    private static ByteChannel frame(byte[] body) {
        ByteBuffer in = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
        return new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                if (!in.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(dst.remaining(), in.remaining());
                dst.put(in.slice(in.position(), n));
                in.position(in.position() + n);
                return n;
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                throw new IOException("read only");
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aBodyStartingWithNulBytes_isAProtocolError_notADroppedConnection() {
        // four NULs make Jackson read the body as UTF-32, whose reader then throws CharConversionException: an
        // IOException the daemon took for the client going away (finding-utf32-body-dropped-silently)
        byte[] ping = "{\"v\":1,\"request\":{\"type\":\"ping\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[8 + ping.length];
        System.arraycopy(ping, 0, body, 8, ping.length);
        assertThatThrownBy(() -> Protocol.readEnvelope(frame(body)))
                .isInstanceOf(Protocol.ProtocolError.class)
                .hasMessageContaining("the frame is not a request");
    }

    @Test
    void aBodyOfJsonNull_isAProtocolError_notAnExceptionThatDropsTheConnection() {
        // "null" reads as a null envelope: a NullPointerException escaped the reader, the connection was closed with no
        // answer and the daemon logged "a connection failed" (seed framed-json-null)
        assertThatThrownBy(() -> Protocol.readEnvelope(frame("null".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(Protocol.ProtocolError.class)
                .hasMessageContaining("no request");
    }

    @Test
    void aStartWithoutSpecs_orWithANullSpec_isInvalid_notAFailure() throws IOException {
        // {"type":"start","sPecs":[]}: specs null, an NPE in the dispatcher, answered FAILED (finding-start-without-specs)
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("brigade-findings-");
        var timer = new GuardedTimer("findings-timer");
        try {
            Apps apps = new Apps(new Home(dir), timer, new App.LogSettings(dir, 1 << 20, 1));
            for (java.util.List<AppSpec> specs : java.util.Arrays.asList(null, java.util.Collections.<AppSpec>singletonList(null))) {
                Response r = apps.handle(new Request.Start(specs));
                assertThat(r).isInstanceOf(Response.Failure.class);
                assertThat(((Response.Failure) r).code()).isEqualTo("INVALID");
                assertThat(((Response.Failure) r).message()).contains("start needs \"specs\"");
            }
            assertThat(apps.snapshot()).isEmpty();
        } finally {
            timer.shutdownNow();
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void aRequestWhoseHandlingThrows_isAnsweredFailed_beforeTheConnectionCloses() throws Exception {
        // the catch-all of Connections.serve answered on a connection its try-with-resources had already closed: the
        // client got no answer at all (seen with framed-json-null before that was refused as PROTOCOL)
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("brigade-findings-");
        var timer = new GuardedTimer("findings-timer");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(dir.resolve("s")));
            Connections connections = new Connections(server, timer, (ch, env) -> {
                throw new IllegalStateException("a bug in a handler");
            });
            Thread accept = Thread.ofVirtual().start(connections::acceptLoop);
            try (var ch = java.nio.channels.SocketChannel.open(server.getLocalAddress())) {
                Protocol.writeRequest(ch, new Request.Ping());
                Response r = Protocol.readResponse(ch);
                assertThat(r).isInstanceOf(Response.Failure.class);
                assertThat(((Response.Failure) r).code()).isEqualTo("FAILED");
                assertThat(((Response.Failure) r).message()).contains("could not serve", "a bug in a handler");
                assertThatThrownBy(() -> Protocol.readResponse(ch)).isInstanceOf(java.io.EOFException.class); // then closed
            } finally {
                server.close();
                accept.join(java.time.Duration.ofSeconds(30));
            }
        } finally {
            timer.shutdownNow();
            java.nio.file.Files.deleteIfExists(dir.resolve("s"));
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void aWellFormedFrame_isStillRead() throws IOException {
        byte[] body = "{\"v\":1,\"request\":{\"type\":\"ping\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(Protocol.readEnvelope(frame(body)).request()).isEqualTo(new Request.Ping());
    }
}

package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    static Frame roundTrip(Frame f) throws ProtocolException {
        ByteBuffer buf = FrameCodec.encode(f);
        int len = FrameCodec.checkLength(buf.getInt(), 1 << 20);
        assertThat(len).isEqualTo(buf.remaining());
        return FrameCodec.decode(buf);
    }

    @Test
    void every_frame_survives_a_round_trip() throws Exception {
        for (Frame f : List.of(new Frame.Hello(7, "t0ken-é", 1234L), new Frame.Welcome(1000, 4096), new Frame.Heartbeat(),
                new Frame.Listening("127.0.0.1", 8080), new Frame.Disconnect(), new Frame.Go(3))) {
            assertThat(roundTrip(f)).isEqualTo(f);
        }
        var m = (Frame.Message) roundTrip(new Frame.Message(new byte[] {1, 2, 3}));
        assertThat(m.payload()).containsExactly(1, 2, 3);
        var r = (Frame.Request) roundTrip(new Frame.Request(42, new byte[0]));
        assertThat(r.id()).isEqualTo(42);
        var reply = (Frame.Reply) roundTrip(new Frame.Reply(42, false, "boom".getBytes()));
        assertThat(reply.ok()).isFalse();
        assertThat(new String(reply.payload())).isEqualTo("boom");
    }

    @Test
    void every_permitted_frame_type_has_an_encoding() throws Exception {
        // the codec dispatches with instanceof chains (start-up cost, see FrameCodec): this keeps them exhaustive
        List<Frame> samples = List.of(new Frame.Hello(1, "t", 2), new Frame.Welcome(1, 2), new Frame.Heartbeat(),
                new Frame.Listening("h", 1), new Frame.Message(new byte[0]), new Frame.Request(1, new byte[0]),
                new Frame.Reply(1, true, new byte[0]), new Frame.Disconnect(), new Frame.Go(0));
        assertThat(samples.stream().map(Object::getClass).toList()).containsExactlyInAnyOrder(Frame.class.getPermittedSubclasses());
        for (Frame f : samples) {
            assertThat(roundTrip(f).getClass()).isEqualTo(f.getClass());
        }
    }

    static Frame decodeHex(String hex) throws ProtocolException {
        return FrameCodec.decode(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
    }

    @Test
    void bad_frames_are_rejected_with_what_was_wrong() {
        assertThatThrownBy(() -> decodeHex("")).hasMessage("empty frame");
        assertThatThrownBy(() -> decodeHex("2a")).hasMessage("unknown frame tag 42 (valid: 1..9)");
        assertThatThrownBy(() -> decodeHex("0100000001")).hasMessage("frame tag 1 is truncated");
        assertThatThrownBy(() -> decodeHex("0300")).hasMessage("1 unexpected trailing bytes after frame tag 3");
        assertThatThrownBy(() -> decodeHex("040002c3")).hasMessageContaining("overruns the frame");
        assertThatThrownBy(() -> decodeHex("040001ff00000050")).hasMessage("string is not valid UTF-8");
        assertThatThrownBy(() -> decodeHex("04000000010000")).hasMessage("port 65536 is outside 0..65535");
        assertThatThrownBy(() -> decodeHex("07000000000000000102")).hasMessage("boolean byte 2 is neither 0 nor 1");
        assertThatThrownBy(() -> FrameCodec.checkLength(5000, 4096)).hasMessage("frame length 5000 is outside 1..4096 bytes");
        assertThatThrownBy(() -> FrameCodec.checkLength(0, 4096)).isInstanceOf(ProtocolException.class);
    }
}

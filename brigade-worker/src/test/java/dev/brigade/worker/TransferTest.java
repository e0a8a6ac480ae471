package dev.brigade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TransferTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    public record Frame(String label, ByteBuffer data) {
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    private static Object roundTrip(Object value, List<?> transfer) throws InterruptedException {
        MessageChannel ch = new MessageChannel();
        ch.port1().postMessage(value, transfer);
        return ch.port2().receive(WAIT).orElseThrow().message();
    }

    private static ErrorCode codeOf(Runnable r) {
        try {
            r.run();
        } catch (WorkerException e) {
            return e.code();
        }
        throw new AssertionError("expected a WorkerException");
    }

    @Test
    void transferredBuffer_movesToTheReceiver_andTheSendersIsDetachedLoudly() throws Exception {
        ByteBuffer b = bytes(1, 2, 3);
        ByteBuffer got = (ByteBuffer) roundTrip(b, List.of(b));
        assertThat(got).isNotSameAs(b);
        assertThat(got.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(got.remaining()).isEqualTo(3);
        assertThat(got.get(2)).isEqualTo((byte) 3);
        assertThat(b.limit()).isZero();
        assertThatThrownBy(b::get).isInstanceOf(BufferUnderflowException.class);
        assertThat(codeOf(() -> new MessageChannel().port1().postMessage(b, List.of(b)))).isEqualTo(ErrorCode.ERR_BUFFER_DETACHED);
        assertThat(codeOf(() -> new MessageChannel().port1().postMessage(b))).isEqualTo(ErrorCode.ERR_BUFFER_DETACHED);
    }

    @Test
    void transferredBuffer_insideRecordsListsMapsAndArrays_isReplacedWhereverItIs() throws Exception {
        ByteBuffer a = bytes(7);
        ByteBuffer c = bytes(9);
        Object msg = Map.of("frames", List.of(new Frame("a", a)), "raw", new Object[] {c});
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) roundTrip(msg, List.of(a, c));
        Frame f = (Frame) ((List<?>) got.get("frames")).get(0);
        assertThat(f.label()).isEqualTo("a");
        assertThat(f.data()).isNotSameAs(a);
        assertThat(f.data().get(0)).isEqualTo((byte) 7);
        assertThat(((ByteBuffer) ((Object[]) got.get("raw"))[0]).get(0)).isEqualTo((byte) 9);
        assertThat(a.limit()).isZero();
        assertThat(c.limit()).isZero();
    }

    @Test
    void bareBufferWithoutTransfer_isCopied_soTheSenderKeepsItsOwn() throws Exception {
        ByteBuffer b = bytes(5, 6);
        ByteBuffer got = (ByteBuffer) roundTrip(b, List.of());
        got.put(0, (byte) 42);
        assertThat(b.get(0)).isEqualTo((byte) 5);
        assertThat(b.remaining()).isEqualTo(2);
    }

    @Test
    void otherObjects_arePassedByReference_andSharedBuffersAreShared() throws Exception {
        int[] array = {1, 2};
        assertThat(roundTrip(array, List.of())).isSameAs(array);
        SharedBuffer sb = SharedBuffer.allocate(8);
        assertThat(roundTrip(sb, List.of())).isSameAs(sb);
    }

    @Test
    void badTransferLists_areSpecificErrors_andChangeNothing() {
        MessagePort p = new MessageChannel().port1();
        ByteBuffer b = bytes(1);
        assertThat(codeOf(() -> p.postMessage(b, Arrays.asList(b, b)))).isEqualTo(ErrorCode.ERR_TRANSFER_DUPLICATE);
        assertThat(codeOf(() -> p.postMessage(b, List.of(b, "text")))).isEqualTo(ErrorCode.ERR_NOT_TRANSFERABLE);
        assertThat(codeOf(() -> p.postMessage(b, List.of(SharedBuffer.allocate(4))))).isEqualTo(ErrorCode.ERR_NOT_TRANSFERABLE);
        assertThat(codeOf(() -> p.postMessage("not the buffer", List.of(b)))).isEqualTo(ErrorCode.ERR_TRANSFER_NOT_REACHABLE);
        assertThat(codeOf(() -> p.postMessage(p, List.of(p)))).isEqualTo(ErrorCode.ERR_TRANSFER_SOURCE_PORT);
        MessageChannel other = new MessageChannel();
        assertThat(codeOf(() -> p.postMessage(other.port2()))).isEqualTo(ErrorCode.ERR_PORT_NOT_TRANSFERRED);
        MessageChannel closed = new MessageChannel();
        closed.port1().close();
        assertThat(codeOf(() -> p.postMessage(closed.port2(), List.of(closed.port2())))).isEqualTo(ErrorCode.ERR_PORT_CLOSED);
        assertThat(b.remaining()).as("no failed post detached the buffer").isEqualTo(1);
        assertThatThrownBy(() -> p.postMessage(b, List.of(b, "text")))
                .hasMessageContaining("transferList[1] is a java.lang.String: only ByteBuffer and MessagePort can be transferred");
    }

    public record Reply(String id, Object port) {
    }

    @Test
    void aPortInsideTheMessage_mustBeListed_elseThePostFailsNamingWhereItIs() throws Exception {
        MessagePort p = new MessageChannel().port1();
        MessageChannel inner = new MessageChannel();
        ByteBuffer b = bytes(1);
        assertThatThrownBy(() -> p.postMessage(List.of("a", inner.port2())))
                .isInstanceOf(WorkerException.class).hasMessageContaining("the MessagePort at message.get(1) was posted without")
                .hasMessageContaining("ERR_MISSING_TRANSFERABLE_IN_TRANSFER_LIST")
                .extracting(e -> ((WorkerException) e).code()).isEqualTo(ErrorCode.ERR_PORT_NOT_TRANSFERRED);
        assertThat(codeOf(() -> p.postMessage(Map.of("reply", inner.port2())))).isEqualTo(ErrorCode.ERR_PORT_NOT_TRANSFERRED);
        assertThat(codeOf(() -> p.postMessage(new Object[] {inner.port2()}))).isEqualTo(ErrorCode.ERR_PORT_NOT_TRANSFERRED);
        assertThatThrownBy(() -> p.postMessage(new Reply("r1", inner.port2())))
                .hasMessageContaining("the MessagePort at message.port() was posted without");
        assertThat(codeOf(() -> p.postMessage(List.of(new Frame("f", b), inner.port2()), List.of(b))))
                .as("a listed buffer does not excuse an unlisted port").isEqualTo(ErrorCode.ERR_PORT_NOT_TRANSFERRED);
        assertThat(b.remaining()).as("the failed post detached nothing").isEqualTo(1);
    }

    @Test
    void aListedPortInsideTheMessage_movesWithIt() throws Exception {
        MessageChannel inner = new MessageChannel();
        Reply got = (Reply) roundTrip(new Reply("r1", inner.port2()), List.of(inner.port2()));
        assertThat(got.port()).isSameAs(inner.port2());
        inner.port1().postMessage("through the moved port");
        assertThat(((MessagePort) got.port()).receive(WAIT).orElseThrow().message()).isEqualTo("through the moved port");
    }
}

package dev.brigade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MessagePortTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void channel_deliversInOrder_fromManyMessages_includingNull() throws Exception {
        MessageChannel ch = new MessageChannel();
        for (int i = 0; i < 10_000; i++) {
            ch.port1().postMessage(i);
        }
        ch.port1().postMessage(null);
        for (int i = 0; i < 10_000; i++) {
            assertThat(ch.port2().receive(WAIT)).contains(new Received(i));
        }
        assertThat(MessagePort.receiveMessageOnPort(ch.port2())).contains(new Received(null));
        assertThat(MessagePort.receiveMessageOnPort(ch.port2())).isEmpty();
    }

    @Test
    void receive_timesOutWhenNothingComes() throws Exception {
        MessageChannel ch = new MessageChannel();
        long t0 = System.nanoTime();
        assertThat(ch.port2().receive(Duration.ofMillis(50))).isEmpty();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void portSentToAWorker_letsTwoWorkersTalkDirectly() throws Exception {
        WorkerEntry relay = ctx -> ctx.parentPort().onMessage(m -> {
            MessagePort p = (MessagePort) m;
            p.onMessage(x -> p.postMessage("worker " + ctx.name() + " got " + x));
        });
        Worker a = Worker.start(relay, WorkerOptions.builder().name("a").build());
        MessageChannel ch = new MessageChannel();
        a.postMessage(ch.port2(), List.of(ch.port2()));
        ch.port1().postMessage("ping");
        assertThat(ch.port1().receive(WAIT)).contains(new Received("worker a got ping"));
        a.terminate().get(10, TimeUnit.SECONDS);
        // the worker's end closed when it exited: this end sees the channel closed
        assertThat(ch.port1().isClosed()).isTrue();
    }

    @Test
    void messagesQueuedOnAPort_followItWhenItIsTransferred() throws Exception {
        MessageChannel ch = new MessageChannel();
        ch.port1().postMessage("queued before transfer");
        Worker w = Worker.start(ctx -> ctx.parentPort().onMessage(m -> {
            MessagePort p = (MessagePort) m;
            p.onMessage(x -> ctx.parentPort().postMessage("via port: " + x));
        }));
        w.postMessage(ch.port2(), List.of(ch.port2()));
        assertThat(w.receive(WAIT)).contains(new Received("via port: queued before transfer"));
        w.terminate().get(10, TimeUnit.SECONDS);
    }

    @Test
    void close_closesBothEnds_deliversWhatWasQueued_thenFiresClose() throws Exception {
        MessageChannel ch = new MessageChannel();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        CountDownLatch ready = new CountDownLatch(1);
        Worker w = Worker.start(ctx -> {
            MessagePort p = (MessagePort) ctx.workerData();
            p.onMessage(events::add).onClose(() -> events.add("closed"));
            ready.countDown();
        }, WorkerOptions.builder().workerData(ch.port2()).build());
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 100; i++) {
            ch.port1().postMessage(i);
        }
        ch.port1().close();
        for (int i = 0; i < 100; i++) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("closed");
        assertThat(w.exited().get(10, TimeUnit.SECONDS)).as("a closed port no longer keeps the worker alive").isZero();
        assertThat(ch.port2().isClosed()).isTrue();
        ch.port1().close(); // idempotent
    }

    @Test
    void postingOnAClosedPort_throwsAndSendsNothing() {
        MessageChannel ch = new MessageChannel();
        ch.port2().close();
        assertThatThrownBy(() -> ch.port1().postMessage("x"))
                .isInstanceOfSatisfying(WorkerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ERR_PORT_CLOSED))
                .hasMessageContaining("closed MessagePort");
        assertThat(ch.port2().poll()).isEmpty();
    }

    @Test
    void receive_returnsWhenTheChannelClosesWhileWaiting() throws Exception {
        MessageChannel ch = new MessageChannel();
        Worker closer = Worker.start(ctx -> ((MessagePort) ctx.workerData()).close(),
                WorkerOptions.builder().workerData(ch.port1()).build());
        assertThat(ch.port2().receive(Duration.ofSeconds(20))).isEmpty();
        assertThat(closer.exited().get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void unref_letsAWorkerWithAListenerEnd() throws Exception {
        Worker w = Worker.start(ctx -> ctx.parentPort().onMessage(m -> { }).unref());
        assertThat(w.exited().get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void listenerSetLate_receivesMessagesThatArrivedBefore() throws Exception {
        MessageChannel ch = new MessageChannel();
        ch.port1().postMessage("early");
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        ch.port2().onMessage(got::add);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("early");
        ch.port2().removeMessageListener();
        ch.port1().postMessage("after removal");
        assertThat(ch.port2().receive(WAIT)).contains(new Received("after removal"));
        assertThat(got).isEmpty();
    }

    @Test
    void broadcastChannel_reachesEveryOtherChannelOfTheName_inWorkersToo() throws Exception {
        String name = "bc-" + System.nanoTime();
        BlockingQueue<Object> main = new LinkedBlockingQueue<>();
        CountDownLatch listening = new CountDownLatch(2);
        WorkerEntry listener = ctx -> {
            BroadcastChannel bc = new BroadcastChannel(name);
            bc.onMessage(m -> {
                ctx.parentPort().postMessage(ctx.name() + ":" + m);
                bc.close();
            });
            listening.countDown();
        };
        Worker a = Worker.start(listener, WorkerOptions.builder().name("a").build()).onMessage(main::add);
        Worker b = Worker.start(listener, WorkerOptions.builder().name("b").build()).onMessage(main::add);
        assertThat(listening.await(10, TimeUnit.SECONDS)).isTrue();
        try (BroadcastChannel sender = new BroadcastChannel(name)) {
            assertThat(sender.postMessage("hello")).isEqualTo(2);
            assertThat(List.of(main.poll(10, TimeUnit.SECONDS), main.poll(10, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("a:hello", "b:hello");
            assertThat(a.exited().get(10, TimeUnit.SECONDS)).isZero();
            assertThat(b.exited().get(10, TimeUnit.SECONDS)).isZero();
            assertThat(sender.postMessage("nobody left")).isZero();
        }
    }

    @Test
    void broadcastChannel_badNameAndClosedPost_areClearErrors() {
        assertThatThrownBy(() -> new BroadcastChannel("")).hasMessageContaining("non-empty string");
        BroadcastChannel c = new BroadcastChannel("x");
        c.close();
        assertThatThrownBy(() -> c.postMessage(1)).hasMessageContaining("BroadcastChannel 'x' is closed");
    }
}

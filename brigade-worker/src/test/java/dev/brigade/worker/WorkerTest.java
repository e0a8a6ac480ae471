package dev.brigade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import dev.brigade.worker.internal.Loop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
@SuppressWarnings("unchecked")
class WorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Echoes every message back, upper-casing strings. */
    public static final class Echo implements WorkerEntry {
        @Override
        public void run(WorkerContext ctx) {
            ctx.parentPort().onMessage(m -> ctx.parentPort().postMessage(m instanceof String s ? s.toUpperCase() : m));
        }
    }

    static int exitCode(Worker w) throws Exception {
        return w.exited().get(10, TimeUnit.SECONDS);
    }

    @Test
    void lambdaWorker_echoesMessages_andExitsWithOneWhenTerminated() throws Exception {
        Worker w = Worker.start(ctx -> ctx.parentPort().onMessage(m -> ctx.parentPort().postMessage("re:" + m)));
        BlockingQueue<Object> got = new LinkedBlockingQueue<>();
        w.onMessage(got::add);
        for (int i = 0; i < 100; i++) {
            w.postMessage(i);
        }
        for (int i = 0; i < 100; i++) {
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("re:" + i);
        }
        assertThat(w.terminate().get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void entryClass_byClassAndByName_runsOnItsOwnThread() throws Exception {
        WorkerOptions o = WorkerOptions.builder().name("echo").build();
        for (Worker w : List.of(Worker.start(Echo.class, o), Worker.start(Echo.class.getName(), o))) {
            w.postMessage("hi");
            assertThat(w.receive(WAIT)).contains(new Received("HI"));
            w.terminate().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void onlineThenExitZero_whenTheEntryReturnsWithNothingToDo() throws Exception {
        CountDownLatch online = new CountDownLatch(1);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Worker w = Worker.start(ctx -> { });
        w.onOnline(online::countDown).onExit(exit::complete);
        assertThat(online.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(w.online()).isDone();
    }

    @Test
    void exitWithCode_fromAMessageHandler_stopsHandlingFurtherMessages() throws Exception {
        Worker w = Worker.start(ctx -> ctx.parentPort().onMessage(m -> {
            if (m.equals("bye")) {
                ctx.exit(3);
            }
            ctx.parentPort().postMessage(m);
        }));
        w.postMessage("a");
        w.postMessage("bye");
        assertThat(exitCode(w)).isEqualTo(3);
        assertThat(w.receive(WAIT)).contains(new Received("a"));
        assertThat(w.receive(Duration.ofMillis(1))).isEmpty();
    }

    @Test
    void entryThatThrows_givesErrorEventAndExitOne() throws Exception {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        Worker w = Worker.start(ctx -> { throw new IllegalStateException("boom"); });
        w.onError(error::complete);
        assertThat(exitCode(w)).isEqualTo(1);
        assertThat(error.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    @Test
    void entryClassThatCannotBeLoaded_givesSpecificErrorAndExitOne() throws Exception {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        Worker w = Worker.start("no.such.Entry", WorkerOptions.defaults()).onError(error::complete);
        assertThat(exitCode(w)).isEqualTo(1);
        assertThat(error.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(WorkerException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.ERR_WORKER_ENTRY);
            assertThat(e).hasMessageContaining("'no.such.Entry' was not found");
        });
        assertThat(w.online()).isNotDone();
    }

    @Test
    void entryClassThatIsNotAWorkerEntry_isRejectedByName() throws Exception {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        Worker w = Worker.start(String.class.getName(), WorkerOptions.defaults()).onError(error::complete);
        assertThat(exitCode(w)).isEqualTo(1);
        assertThat(error.get(10, TimeUnit.SECONDS)).hasMessageContaining("does not implement dev.brigade.worker.WorkerEntry");
    }

    @Test
    void handlerThatThrows_exitsByDefault_butKeepsGoingWithReportPolicy() throws Exception {
        WorkerEntry failOnBad = ctx -> ctx.parentPort().onMessage(m -> {
            if (m.equals("bad")) {
                throw new IllegalArgumentException("bad message");
            }
            ctx.parentPort().postMessage("ok:" + m);
        });
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        Worker exiting = Worker.start(failOnBad).onError(errors::add);
        exiting.postMessage("bad");
        assertThat(exitCode(exiting)).isEqualTo(1);
        assertThat(errors.poll(10, TimeUnit.SECONDS)).hasMessage("bad message");

        Worker reporting = Worker.start(failOnBad, WorkerOptions.builder().uncaught(UncaughtPolicy.REPORT).build())
                .onError(errors::add);
        reporting.postMessage("bad");
        reporting.postMessage("good");
        assertThat(reporting.receive(WAIT)).contains(new Received("ok:good"));
        assertThat(errors.poll(10, TimeUnit.SECONDS)).hasMessage("bad message");
        reporting.terminate().get(10, TimeUnit.SECONDS);
    }

    @Test
    void terminate_reachesAWorkerBlockedInReceive() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        Worker w = Worker.start(ctx -> {
            blocked.countDown();
            ctx.parentPort().receive(Duration.ofHours(1));
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(w.terminate().get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(w.terminate()).isSameAs(w.terminate());
    }

    @Test
    void terminate_ofAThreadThatNeverYields_isReportedStuckAfterTheGrace() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch spinning = new CountDownLatch(1);
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        Worker w = Worker.start(ctx -> {
            spinning.countDown();
            while (!release.get()) {
                Thread.onSpinWait(); // deliberately ignores interrupts
            }
        }, WorkerOptions.builder().name("spinner").terminateGrace(Duration.ofMillis(200)).build()).onError(errors::add);
        assertThat(spinning.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> w.terminate().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(WorkerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ERR_WORKER_STUCK);
                    assertThat(e).hasMessageContaining("'spinner' did not stop within 200 ms").hasMessageContaining("WorkerTest");
                });
        assertThat(errors.poll(10, TimeUnit.SECONDS)).isInstanceOf(WorkerException.class);
        release.set(true);
        assertThat(exitCode(w)).isEqualTo(1);
    }

    @Test
    void context_exposesWorkerDataThreadIdAndName() throws Exception {
        Object data = List.of("config");
        Worker w = Worker.start(ctx -> ctx.parentPort().postMessage(List.of(ctx.workerData(), ctx.threadId(),
                ctx.isMainThread(), ctx.name(), WorkerContext.current() == ctx)),
                WorkerOptions.builder().name("ctx-worker").workerData(data).build());
        Object got = w.receive(WAIT).orElseThrow().message();
        assertThat((List<Object>) got).containsExactly(data, w.threadId(), false, "ctx-worker", true);
        assertThat(((List<?>) got).get(0)).isSameAs(data);
        assertThat(WorkerContext.current().isMainThread()).isTrue();
        assertThat(WorkerContext.current().parentPort()).isNull();
        assertThatThrownBy(() -> WorkerContext.current().exit(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stdoutAndStderr_areDeliveredLineByLineToTheConfiguredSinks() throws Exception {
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        BlockingQueue<String> err = new LinkedBlockingQueue<>();
        Worker w = Worker.start(ctx -> {
            ctx.stdout().println("line one");
            ctx.stdout().print("partial ");
            ctx.stdout().println("line two");
            ctx.stderr().print("no newline at the end");
        }, WorkerOptions.builder().stdout(out::add).stderr(err::add).build());
        assertThat(exitCode(w)).isZero();
        assertThat(out.poll(10, TimeUnit.SECONDS)).isEqualTo("line one");
        assertThat(out.poll(10, TimeUnit.SECONDS)).isEqualTo("partial line two");
        assertThat(err.poll(10, TimeUnit.SECONDS)).isEqualTo("no newline at the end");
    }

    @Test
    void messagesTheWorkerNeverRead_areReportedAsMessageErrors() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        BlockingQueue<MessageError> lost = new LinkedBlockingQueue<>();
        Worker w = Worker.start(ctx -> go.await()).onMessageError(lost::add);
        w.postMessage("unread-1");
        w.postMessage("unread-2");
        go.countDown();
        assertThat(exitCode(w)).isZero();
        assertThat(lost.poll(10, TimeUnit.SECONDS)).satisfies(e -> {
            assertThat(e.message()).isEqualTo("unread-1");
            assertThat(e.reason()).contains("exited (code 0) before reading it");
        });
        assertThat(lost.poll(10, TimeUnit.SECONDS).message()).isEqualTo("unread-2");
    }

    @Test
    void postingToAWorkerThatExited_failsNamingTheWorker() throws Exception {
        Worker w = Worker.start(ctx -> { }, WorkerOptions.builder().name("gone").build());
        exitCode(w);
        assertThatThrownBy(() -> w.postMessage("late"))
                .isInstanceOfSatisfying(WorkerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ERR_PORT_CLOSED))
                .hasMessageContaining("worker 'gone' has exited (code 0)");
    }

    @Test
    void messagesPostedBeforeExit_areDeliveredBeforeTheExitEvent() throws Exception {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Worker w = Worker.start(ctx -> {
            for (int i = 0; i < 1000; i++) {
                ctx.parentPort().postMessage(i);
            }
        });
        w.onMessage(events::add).onExit(code -> events.add("exit " + code));
        for (int i = 0; i < 1000; i++) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("exit 0");
    }

    @Test
    void errorsThatCameBeforeAnyListener_goToTheFirstOneAddedLater() throws Exception {
        // the error and messageerror events are queued before the exit event: once exited, both have fired
        Worker failed = Worker.start(ctx -> { throw new IllegalArgumentException("failed at once"); });
        assertThat(exitCode(failed)).isEqualTo(1);
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        failed.onError(error::complete);
        assertThat(error.get(10, TimeUnit.SECONDS)).hasMessage("failed at once");

        CountDownLatch go = new CountDownLatch(1);
        Worker w = Worker.start(ctx -> go.await());
        w.postMessage("unread");
        go.countDown();
        assertThat(exitCode(w)).isZero();
        CompletableFuture<MessageError> lost = new CompletableFuture<>();
        w.onMessageError(lost::complete);
        assertThat(lost.get(10, TimeUnit.SECONDS).message()).isEqualTo("unread");
    }

    @Test
    void listenersSetAfterTheWorkerEnded_stillGetItsMessagesBeforeItsExit() throws Exception {
        // The parent's loop is held busy while the worker posts, ends and queues its exit event;
        // the listeners are set only then, so the exit event is queued ahead of their delivery.
        CountDownLatch hold = new CountDownLatch(1);
        Loop.main().execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicReference<Thread> workerThread = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Worker w = Worker.start(ctx -> {
            workerThread.set(Thread.currentThread());
            started.countDown();
            for (int i = 0; i < 3; i++) {
                ctx.parentPort().postMessage(i);
            }
        });
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        try {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            workerThread.get().join(10_000);
            assertThat(workerThread.get().isAlive()).isFalse();
            w.onMessage(events::add).onExit(code -> events.add("exit " + code));
        } finally {
            hold.countDown();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("exit 0");
    }

    @Test
    void nestedWorker_deliversItsEventsOnTheParentWorkersThread() throws Exception {
        Worker outer = Worker.start(ctx -> {
            Thread me = Thread.currentThread();
            Worker inner = Worker.start(c -> c.parentPort().postMessage("from inner"));
            inner.onMessage(m -> ctx.parentPort().postMessage(m + " on outer thread: " + (Thread.currentThread() == me)));
        });
        assertThat(outer.receive(WAIT)).contains(new Received("from inner on outer thread: true"));
        assertThat(exitCode(outer)).isZero();
    }

    @Test
    void badOptions_nameTheOptionTheValueAndTheValidRange() {
        assertThatThrownBy(() -> WorkerOptions.builder().terminateGrace(Duration.ZERO).build())
                .hasMessage("ERR_INVALID_OPTION: options.terminateGrace must be between 1 ms and 1 h, got PT0S");
        assertThatThrownBy(() -> WorkerOptions.builder().name(" ").build())
                .hasMessageContaining("options.name must be a non-blank string, got \" \"");
        assertThatThrownBy(() -> WorkerOptions.builder().stackSize(100).build())
                .hasMessageContaining("options.stackSize must be 0 (JVM default) or between 65536");
        assertThatThrownBy(() -> WorkerOptions.builder().uncaught(null).build())
                .hasMessageContaining("options.uncaught must be EXIT or REPORT, got null");
    }
}

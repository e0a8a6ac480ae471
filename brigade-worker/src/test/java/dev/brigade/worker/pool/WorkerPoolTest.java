package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brigade.worker.ErrorCode;
import dev.brigade.worker.WorkerContext;
import dev.brigade.worker.WorkerException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class WorkerPoolTest {
    /** A handler class: one instance per worker, with named functions. */
    public static final class Text implements TaskHandler<String, Object> {
        private final int instance = System.identityHashCode(this);

        @Override
        public Object run(String s) {
            return s.toUpperCase();
        }

        @Override
        public Map<String, TaskFunction<String, Object>> functions() {
            return Map.of("length", String::length,
                    "whoami", s -> WorkerContext.current().name() + "/" + instance,
                    "fail", s -> { throw new IllegalStateException("bad input: " + s); });
        }
    }

    static PoolOptions.Builder<String, Object> text() {
        return PoolOptions.builder(Text.class).threads(2);
    }

    @Test
    void runAndNamedFunctions_returnTheHandlersResults() throws Exception {
        try (WorkerPool<String, Object> pool = WorkerPool.create(text().build())) {
            CompletableFuture<Object> up = pool.run("abc");
            CompletableFuture<Object> len = pool.run("abcd", RunOptions.named("length"));
            assertThat(up.get(5, TimeUnit.SECONDS)).isEqualTo("ABC");
            assertThat(len.get(5, TimeUnit.SECONDS)).isEqualTo(4);
        }
    }

    @Test
    void eachWorkerHasItsOwnHandlerInstance_andRunsOnAWorkerThread() throws Exception {
        try (WorkerPool<String, Object> pool = WorkerPool.create(text().concurrentTasksPerWorker(4).build())) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            List<CompletableFuture<String>> all = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                all.add(pool.run("x", RunOptions.named("whoami")).thenApply(s -> { seen.add((String) s); return (String) s; }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(seen).allMatch(s -> s.startsWith("pool-"));
            assertThat(seen.stream().map(s -> s.substring(s.indexOf('/'))).distinct().count()).isEqualTo(seen.size());
        }
    }

    @Test
    void aTaskThatThrows_failsOnlyItsOwnFuture() throws Exception {
        try (WorkerPool<String, Object> pool = WorkerPool.create(text().build())) {
            CompletableFuture<Object> bad = pool.run("zz", RunOptions.named("fail"));
            CompletableFuture<Object> good = pool.run("ok");
            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessage("bad input: zz");
            assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo("OK");
            assertThat(pool.stats().failed()).isEqualTo(1);
        }
    }

    @Test
    void anUnknownFunctionName_failsWithTheNamesOnOffer() {
        try (WorkerPool<String, Object> pool = WorkerPool.create(text().build())) {
            assertThatThrownBy(() -> pool.run("x", RunOptions.named("nope")).get(5, TimeUnit.SECONDS))
                    .cause().isInstanceOf(PoolException.class)
                    .hasMessageContaining("ERR_TASK_NOT_FOUND").hasMessageContaining("'nope'")
                    .hasMessageContaining("run, fail, length, whoami");
        }
    }

    @Test
    void aLambdaEntry_isSharedByTheWorkers() throws Exception {
        try (WorkerPool<Integer, Integer> pool = WorkerPool.create(PoolOptions.builder((Integer n) -> n * n).threads(2).build())) {
            CompletableFuture<Integer> square = pool.run(7);
            assertThat(square.get(5, TimeUnit.SECONDS)).isEqualTo(49);
        }
    }

    @Test
    void anAsyncHandlersTask_completesWhenItsStageDoes_withTheStagesValue() throws Exception {
        CompletableFuture<String> later = new CompletableFuture<>();
        try (WorkerPool<String, String> pool = WorkerPool.create(
                PoolOptions.asyncBuilder((String s) -> later.thenApply(v -> v + s)).threads(1).build())) {
            CompletableFuture<String> f = pool.run("!");
            assertThat(f).isNotDone();
            later.complete("done");
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("done!");
        }
    }

    @Test
    void aSyncHandlerThatReturnsAStage_hasTheStageAsItsResult_asItsTypeSays() throws Exception {
        CompletableFuture<String> later = new CompletableFuture<>();
        try (WorkerPool<String, CompletableFuture<String>> pool = WorkerPool.create(
                PoolOptions.builder((String s) -> later.thenApply(v -> v + s)).threads(1).build())) {
            CompletableFuture<CompletableFuture<String>> f = pool.run("!");
            CompletableFuture<String> stage = f.get(5, TimeUnit.SECONDS);
            later.complete("done");
            assertThat(stage.get(5, TimeUnit.SECONDS)).isEqualTo("done!");
        }
    }

    /** A handler class over ByteBuffers, as a user writes one for transferred buffers. */
    public static final class FirstByte implements TaskHandler<ByteBuffer, Integer> {
        @Override
        public Integer run(ByteBuffer b) {
            return (int) b.get(b.position());
        }
    }

    @Test
    void aHandlerClassOverByteBuffers_getsTheTransferredBufferAsAFreshView() throws Exception {
        try (WorkerPool<ByteBuffer, Integer> pool = WorkerPool.create(PoolOptions.builder(FirstByte.class).threads(1).build())) {
            ByteBuffer b = ByteBuffer.allocateDirect(8).put(3, (byte) 7).position(3);
            CompletableFuture<Integer> f = pool.run(b, RunOptions.transfer(b));
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(b.limit()).as("the caller's buffer is detached").isZero();
        }
    }

    @Test
    void aTransferredBuffer_movesToTheTask_andIsDetachedHere() throws Exception {
        try (WorkerPool<ByteBuffer, Integer> pool = WorkerPool.create(PoolOptions.builder((ByteBuffer b) -> (int) b.get(0)).threads(1).build())) {
            ByteBuffer b = ByteBuffer.allocate(4).put(0, (byte) 42);
            CompletableFuture<Integer> f = pool.run(b, RunOptions.builder().transferList(List.of(b)).build());
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(42);
            assertThat(b.limit()).isZero();
            assertThatThrownBy(() -> pool.run(b, RunOptions.builder().transferList(List.of(b)).build()))
                    .isInstanceOf(WorkerException.class).extracting(e -> ((WorkerException) e).code())
                    .isEqualTo(ErrorCode.ERR_BUFFER_DETACHED);
        }
    }

    @Test
    void aHandlerWhoseConstructorThrows_failsTasksWithTheCause() {
        try (WorkerPool<Object, Object> pool = WorkerPool.create(PoolOptions.builder(Broken.class).threads(1).build())) {
            assertThatThrownBy(() -> pool.run("x").get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(PoolException.class).hasMessageContaining("ERR_TASK_ENTRY").hasMessageContaining("no config");
        }
    }

    /** A handler that cannot be built. */
    public static final class Broken implements TaskHandler<Object, Object> {
        public Broken() {
            throw new IllegalStateException("no config");
        }

        @Override
        public Object run(Object task) {
            return task;
        }
    }

    @Test
    void aTaskHoldingAPortItDoesNotList_isRefused_andAListedOneMoves() throws Exception {
        try (WorkerPool<List<Object>, Boolean> pool = WorkerPool.create(
                PoolOptions.builder((List<Object> task) -> ((dev.brigade.worker.MessagePort) task.get(1)).isClosed()).threads(1).build())) {
            dev.brigade.worker.MessageChannel ch = new dev.brigade.worker.MessageChannel();
            assertThatThrownBy(() -> pool.run(List.of("reply to", ch.port2())))
                    .isInstanceOf(WorkerException.class).hasMessageContaining("the MessagePort at task.get(1) was passed without")
                    .extracting(e -> ((WorkerException) e).code()).isEqualTo(ErrorCode.ERR_PORT_NOT_TRANSFERRED);
            assertThat(pool.run(List.of("reply to", ch.port2()), RunOptions.transfer(ch.port2())).get(5, TimeUnit.SECONDS))
                    .isEqualTo(false);
        }
    }
}

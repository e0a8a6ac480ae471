package dev.brigade.worker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brigade.worker.ErrorCode;
import dev.brigade.worker.WorkerException;
import dev.brigade.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PoolOptionsTest {
    static PoolOptions.Builder base() {
        return PoolOptions.builder((Object o) -> o);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("maxThreads", b -> b.maxThreads(0), "options.maxThreads must be between 1 and 4096, got 0"),
                bad("maxThreads", b -> b.maxThreads(5000), "got 5000"),
                bad("minThreads", b -> b.maxThreads(2).minThreads(3), "options.minThreads must be between 0 and maxThreads (2), got 3"),
                bad("minThreads", b -> b.minThreads(-1), "got -1"),
                bad("idleTimeout", b -> b.idleTimeout(Duration.ofMillis(-1)), "options.idleTimeout must be between 0 and 1 day"),
                bad("idleTimeout", b -> b.idleTimeout(null), "got null"),
                bad("maxQueue", b -> b.maxQueue(-5), "options.maxQueue must be between 0 and 2147483647 (or maxQueueAuto()), got -5"),
                bad("concurrentTasksPerWorker", b -> b.concurrentTasksPerWorker(0), "between 1 and 1024, got 0"),
                bad("taskQueue", b -> b.taskQueue(null), "options.taskQueue must be"),
                bad("workerOptions", b -> b.workerOptions(null), "options.workerOptions must be"),
                bad("cancelGrace", b -> b.cancelGrace(Duration.ZERO), "options.cancelGrace must be between 1 ms and 1 day, got PT0S"),
                bad("closeTimeout", b -> b.closeTimeout(Duration.ofDays(2)), "options.closeTimeout must be between 0 and 1 day, got PT48H"));
    }

    static Arguments bad(String option, Consumer<PoolOptions.Builder> set, String message) {
        return Arguments.of(option, set, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadOption_isRefusedUpFront_namingTheOptionValueAndRange(String option, Consumer<PoolOptions.Builder> set, String message) {
        PoolOptions.Builder b = base();
        set.accept(b);
        assertThatThrownBy(b::build).isInstanceOf(WorkerException.class).hasMessageContaining(message)
                .extracting(e -> ((WorkerException) e).code()).isEqualTo(ErrorCode.ERR_INVALID_OPTION);
    }

    /** Not public: a pool could not instantiate it. */
    static final class Hidden implements TaskHandler<Object, Object> {
        @Override
        public Object run(Object task) {
            return task;
        }
    }

    /** No no-arg constructor. */
    public static final class NeedsArgs implements TaskHandler<Object, Object> {
        public NeedsArgs(int x) {
        }

        @Override
        public Object run(Object task) {
            return task;
        }
    }

    @Test
    void anEntryClassThatCannotBeInstantiated_isRefusedUpFront() {
        assertThatThrownBy(() -> PoolOptions.builder(Hidden.class).build()).hasMessageContaining("options.entry must be a public, concrete");
        assertThatThrownBy(() -> PoolOptions.builder(NeedsArgs.class).build()).hasMessageContaining("public no-argument constructor");
        assertThatThrownBy(() -> PoolOptions.builder((TaskHandler<?, ?>) null).build()).hasMessageContaining("options.entry must be a TaskHandler class or instance, got null");
    }

    @Test
    void aFixedQueueNeedsABoundedMaxQueue() {
        PoolOptions o = base().taskQueue(TaskQueue.fixed()).build();   // maxQueue unbounded by default
        assertThatThrownBy(() -> WorkerPool.create(o)).hasMessageContaining("options.taskQueue").hasMessageContaining("maxQueue <= 16777216");
    }

    @Test
    void defaults_andAuto() {
        PoolOptions o = base().maxThreads(3).maxQueueAuto().build();
        assertThat(o.maxQueue()).isEqualTo(9);
        assertThat(o.minThreads()).isBetween(0, 3);
        assertThat(o.concurrentTasksPerWorker()).isEqualTo(1);
        assertThat(o.workerOptions().daemon()).isTrue();
        PoolOptions d = base().build();
        assertThat(d.maxQueue()).isEqualTo(Integer.MAX_VALUE);
        assertThat(d.maxThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void badRunOptions_areRefusedToo() {
        assertThatThrownBy(() -> RunOptions.builder().timeout(Duration.ZERO).build()).hasMessageContaining("runOptions.timeout");
        assertThatThrownBy(() -> RunOptions.named(" ")).hasMessageContaining("runOptions.name");
        assertThatThrownBy(() -> RunOptions.builder().transferList(null).build()).hasMessageContaining("runOptions.transferList");
        assertThat(RunOptions.builder().transferList(List.of()).build().transferList()).isEmpty();
    }

    @Test
    void workerOptions_passThrough_asNamePrefixAndOutput() throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        WorkerOptions wo = WorkerOptions.builder().name("hash").daemon(true).stackSize(256 * 1024).stdout(lines::add).build();
        try (WorkerPool pool = WorkerPool.create(PoolOptions.builder((String s) -> {
            dev.brigade.worker.WorkerContext.current().stdout().println("hello " + s);
            return Thread.currentThread().getName();
        }).threads(1).workerOptions(wo).build())) {
            assertThat(pool.<String>run("x").get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("hash-1");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("hello x"));
        }
    }
}

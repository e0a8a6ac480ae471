package dev.brigade.bench.jmh;

import dev.brigade.worker.Atomics;
import dev.brigade.worker.Int32Array;
import dev.brigade.worker.MessageChannel;
import dev.brigade.worker.SharedBuffer;
import dev.brigade.worker.Worker;
import dev.brigade.worker.WorkerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH view of the worker hand-offs that {@code brigade bench workers} reports. Run with
 * {@code java -cp "brigade-dist/target/lib/*" org.openjdk.jmh.Main WorkerBenchmarks}; sample
 * mode gives the percentiles (p0.50 is the figure the suite calls rtt_p50).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WorkerBenchmarks {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Worker echo;
    private Worker atomicsPeer;
    private Int32Array turn;
    private volatile boolean stop;

    @Setup
    public void setup() throws Exception {
        echo = Worker.start(ctx -> ctx.parentPort().onMessage(m -> ctx.parentPort().postMessage(m)),
                WorkerOptions.builder().name("echo").daemon(true).build());
        turn = SharedBuffer.allocate(4).int32();
        atomicsPeer = Worker.start(ctx -> {
            while (!stop) {
                if (Atomics.load(turn, 0) != 1) {
                    Atomics.wait(turn, 0, 0, Duration.ofMillis(100));
                    continue;
                }
                Atomics.store(turn, 0, 0);
                Atomics.notify(turn, 0, 1);
            }
        }, WorkerOptions.builder().name("atomics").daemon(true).build());
        echo.online().get(10, TimeUnit.SECONDS);
        atomicsPeer.online().get(10, TimeUnit.SECONDS);
    }

    @TearDown
    public void tearDown() throws Exception {
        stop = true;
        echo.terminate().get(10, TimeUnit.SECONDS);
        atomicsPeer.terminate().get(10, TimeUnit.SECONDS);
    }

    /** main -> worker -> main through the worker's parentPort. */
    @Benchmark
    public Object messageRoundTrip() throws InterruptedException {
        echo.postMessage("ping");
        return echo.receive(WAIT).orElseThrow().message();
    }

    /** store + notify, the worker stores back + notifies, main wakes. */
    @Benchmark
    public int atomicsRoundTrip() throws InterruptedException {
        Atomics.store(turn, 0, 1);
        Atomics.notify(turn, 0, 1);
        while (Atomics.load(turn, 0) != 0) {
            Atomics.wait(turn, 0, 1, WAIT);
        }
        return 0;
    }

    /** One message through a channel, sender and receiver on the same thread (the floor). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object channelPostAndPoll(ChannelState s) {
        s.channel.port1().postMessage("x");
        return s.channel.port2().poll().orElseThrow();
    }

    /** A channel per benchmark thread. */
    @State(Scope.Thread)
    public static class ChannelState {
        final MessageChannel channel = new MessageChannel();
    }
}

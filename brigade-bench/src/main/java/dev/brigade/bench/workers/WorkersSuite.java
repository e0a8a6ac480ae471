package dev.brigade.bench.workers;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.NodePeer;
import dev.brigade.bench.Suite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code brigade bench workers}: the five figures of the in-process workers, for Brigade and,
 * in the same run, for Node's worker_threads (when {@code node} is on PATH).
 *
 * <p>Condition: the machine is otherwise idle (no spinner keeps the vCPUs awake), the same for
 * both; latencies are medians of per-round-trip samples after a warm-up (the first fifth is
 * dropped), so a figure is a typical hand-off, not an average that hides the tail.
 */
public final class WorkersSuite implements Suite {
    @Override
    public String name() {
        return "workers";
    }

    @Override
    public List<Figure> run(BenchOptions options) throws Exception {
        boolean quick = options.quick();
        WorkerProbes probes = new WorkerProbes();
        Map<String, Double> node = NodePeer.figures("node", "workers.js", quick);
        int rounds = quick ? 20_000 : 200_000;
        List<Figure> out = new ArrayList<>();
        out.add(Figure.lower("worker.rtt_p50_us", probes.messageRoundTripMicros(rounds), "us", NodePeer.peer("node", node, "worker.rtt_p50_us"),
                "main <-> worker postMessage echo, median of " + rounds + " round trips"));
        out.add(Figure.lower("atomics.rtt_p50_us", probes.atomicsRoundTripMicros(rounds), "us", NodePeer.peer("node", node, "atomics.rtt_p50_us"),
                "SharedBuffer store+notify / wait ping-pong, median of " + rounds + " round trips"));
        int starts = quick ? 200 : 2_000;
        out.add(Figure.lower("worker.start_ms", probes.startToOnlineMillis(starts), "ms", NodePeer.peer("node", node, "worker.start_ms"),
                "Worker.start -> online event, median of " + starts));
        int idle = quick ? 500 : 2_000;
        out.add(Figure.lower("worker.idle_bytes", probes.idleWorkerBytes(idle), "bytes", NodePeer.peer("node", node, "worker.idle_bytes"),
                "RSS growth per idle worker (listener on parentPort) in a child JVM with a fixed pre-touched heap, " + idle + " workers"));
        int msgs = quick ? 2_000_000 : 20_000_000;
        out.add(Figure.higher("worker.msgs_per_s", probes.messagesPerSecond(msgs), "msgs/s", NodePeer.peer("node", node, "worker.msgs_per_s"),
                "main -> worker, " + msgs + " small messages, median of 3 runs"));
        return out;
    }
}

package dev.brigade.bench.cluster;

import dev.brigade.bench.BenchOptions;
import dev.brigade.bench.Figure;
import dev.brigade.bench.NodePeer;
import dev.brigade.bench.Stats;
import dev.brigade.bench.Suite;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code brigade bench cluster}: the figures of issue 4, on real worker JVMs, with Node's
 * cluster module measured in the same run (resources/node/cluster.js) when node is on PATH.
 *
 * <p>Condition: an otherwise idle machine (no spinner keeps the vCPUs awake), the same for both
 * sides; timings are medians. Workers use the SMALL start-up profile (the default).
 */
public final class ClusterSuite implements Suite {
    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public List<Figure> run(BenchOptions options) throws Exception {
        boolean quick = options.quick();
        Map<String, Double> node = NodePeer.figures("node", "cluster.js", quick);
        List<Figure> out = new ArrayList<>();
        int forks = quick ? 5 : 20;
        double forkMs = Stats.median(ClusterProbes.forkOnline(ClusterProbes.settings(ClusterProbes.classPath()).build(), forks));
        out.add(Figure.lower("cluster.fork_online_ms", forkMs, "ms", NodePeer.peer("node", node, "cluster.fork_online_ms"),
                "fork -> online of a trivial worker, SMALL profile, no archive, median of " + forks));
        double[] archived = archiveRun(quick ? 5 : 20);
        if (archived != null) {
            out.add(Figure.lower("cluster.fork_online_archive_ms", archived[0], "ms", NodePeer.peer("node", node, "cluster.fork_online_ms"),
                    "fork -> online with the class-data archive (AOT cache on 25+, AppCDS before), median of " + (quick ? 5 : 20)));
        }
        int rtts = quick ? 5_000 : 50_000;
        out.add(Figure.lower("cluster.ipc_rtt_p50_us", Stats.median(ClusterProbes.ipcRoundTrips(rtts / 5, rtts)), "us",
                NodePeer.peer("node", node, "cluster.ipc_rtt_p50_us"), "primary -> worker request/reply over the Unix socket (default codec), median of "
                        + rtts + " after " + rtts / 5 + " warm-up; Node: send/echo, same count"));
        out.add(Figure.lower("cluster.idle_worker_pss_mb", Stats.median(ClusterProbes.idlePssMb(
                ClusterProbes.settings(ClusterProbes.classPath()).build())), "MB", NodePeer.peer("node", node, "cluster.idle_worker_pss_mb"),
                "PSS (/proc/PID/smaps_rollup) of 2 workers idle for 5 s, no archive, median"));
        if (archived != null && !Double.isNaN(archived[1])) {
            out.add(Figure.lower("cluster.idle_worker_pss_archive_mb", archived[1], "MB", NodePeer.peer("node", node, "cluster.idle_worker_pss_mb"),
                    "PSS of 2 idle workers started with the class-data archive (the default settings), median"));
        }
        int restarts = quick ? 5 : 20;
        out.add(Figure.lower("cluster.restart_ms", Stats.median(ClusterProbes.restart(restarts)), "ms",
                NodePeer.peer("node", node, "cluster.restart_ms"), "SIGKILL of a worker -> replacement online, no backoff, median of " + restarts));
        double[] kill = ClusterProbes.primaryKill();
        out.add(Figure.lower("cluster.orphans_after_primary_kill", kill[0], "processes", Map.of(),
                "workers still running 1 s after SIGKILL of a primary of 2"));
        out.add(Figure.lower("cluster.orphan_exit_ms", kill[1], "ms", Map.of(),
                "SIGKILL of the primary -> its 2 workers gone (polling /proc every ms)"));
        return out;
    }

    /** {median fork -> online ms, median idle PSS MB} with the archive, or null if it could not be measured. */
    private static double[] archiveRun(int n) {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("brigade-bench-archive-");
            List<String> cp = ArchiveProbe.jarred(tmp);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(ArchiveProbe.command(java, cp, tmp.resolve("archives"), n)).redirectErrorStream(true).start();
            List<Double> ms = new ArrayList<>();
            List<Double> pss = new ArrayList<>();
            String archive = "";
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (l.startsWith("ms ")) {
                        ms.add(Double.parseDouble(l.substring(3)));
                    } else if (l.startsWith("pss ")) {
                        pss.add(Double.parseDouble(l.substring(4)));
                    } else if (l.startsWith("archive ")) {
                        archive = l;
                    }
                }
            }
            if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0 || ms.size() != n || !archive.contains("(ready)")) {
                System.err.println("cluster: the archive start-up figure is left out (" + archive + ", exit "
                        + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
                p.destroyForcibly();
                return null;
            }
            return new double[] {Stats.median(ms.stream().mapToDouble(Double::doubleValue).toArray()),
                    pss.isEmpty() ? Double.NaN : Stats.median(pss.stream().mapToDouble(Double::doubleValue).toArray())};
        } catch (Exception e) {
            System.err.println("cluster: the archive start-up figure is left out: " + e);
            return null;
        } finally {
            if (tmp != null) {
                try (var files = Files.walk(tmp)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (Exception ignored) {
                    // a temp directory left behind
                }
            }
        }
    }
}

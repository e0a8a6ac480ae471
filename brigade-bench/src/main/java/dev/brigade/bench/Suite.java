package dev.brigade.bench;

import java.util.List;

/**
 * One `brigade bench <name>` suite. A suite measures Brigade and, in the same run, every peer
 * that is installed (Node, Piscina, PM2, a bare ThreadPoolExecutor, Redis...), and returns its
 * figures in the order the issue lists them. It must finish in about 3 minutes by default and
 * in about 30 s with {@link BenchOptions#quick()}; loads target 127.0.0.1 only.
 */
public interface Suite {
    /** The name on the command line: workers, pool, cluster, ports, manager, store. */
    String name();

    /** Runs the suite and returns its figures. Peers that are missing are left out, never invented. */
    List<Figure> run(BenchOptions options) throws Exception;
}

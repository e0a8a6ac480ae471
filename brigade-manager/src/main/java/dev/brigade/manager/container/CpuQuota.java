package dev.brigade.manager.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/*
 * `-i max` in a container: one worker per CPU the container may use, which is its cgroup CPU quota
 * (Kubernetes' limits.cpu, docker --cpus), not the host's cores. The JVM's availableProcessors()
 * usually accounts for the quota too, but not when container support is off
 * (-XX:-UseContainerSupport), and it also gives each worker JVM its own view; reading the quota
 * here makes the rule Brigade's own, and testable on fixture files:
 *
 * - cgroup v2: /proc/self/cgroup has "0::/PATH"; PATH/cpu.max under the unified mount holds
 *   "QUOTA PERIOD" or "max PERIOD" (no limit);
 * - cgroup v1: the line whose controllers include "cpu" gives PATH; cpu.cfs_quota_us (-1: no limit)
 *   and cpu.cfs_period_us under the cpu controller's mount.
 *
 * Inside a container's cgroup namespace PATH is "/", and the files are at the mount's root; outside
 * one, PATH leads to them. A quota of 1.5 CPUs gives 2 workers (rounded up, as the JVM does); never
 * fewer than 1, never more than the CPUs this process may run on.
 */
/** The number of CPUs {@code -i max} means here: the cgroup CPU quota if there is one, else the available processors. */
public final class CpuQuota {
    private static final Path PROC_SELF_CGROUP = Path.of("/proc/self/cgroup");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private CpuQuota() {
    }

    /** One per CPU of this process's quota, at most the available processors, at least 1. */
    public static int cores() {
        return cores(PROC_SELF_CGROUP, CGROUP_ROOT, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The same from given files (tests use fixtures).
     *
     * @param procSelfCgroup a copy of {@code /proc/self/cgroup}
     * @param cgroupRoot     where the cgroup file systems are mounted ({@code /sys/fs/cgroup})
     * @param available      the processors this process may run on
     */
    public static int cores(Path procSelfCgroup, Path cgroupRoot, int available) {
        OptionalInt quota = quotaCpus(procSelfCgroup, cgroupRoot);
        return Math.max(1, quota.isPresent() ? Math.min(available, quota.getAsInt()) : available);
    }

    /** The quota in CPUs (rounded up), or empty when there is none (or no cgroup to read). */
    static OptionalInt quotaCpus(Path procSelfCgroup, Path cgroupRoot) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procSelfCgroup);
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                OptionalInt v2 = v2(find(cgroupRoot, f[2], "cpu.max"));
                if (v2.isPresent()) {
                    return v2;
                }
            } else if (List.of(f[1].split(",")).contains("cpu")) {
                Path mount = Files.isDirectory(cgroupRoot.resolve(f[1])) ? cgroupRoot.resolve(f[1]) : cgroupRoot.resolve("cpu");
                Path quota = find(mount, f[2], "cpu.cfs_quota_us");
                if (quota != null) {
                    return v1(quota, quota.resolveSibling("cpu.cfs_period_us"));
                }
            }
        }
        return OptionalInt.empty();
    }

    /** {@code mount/PATH/file} if it exists, else {@code mount/file} (inside a cgroup namespace), else null. */
    private static Path find(Path mount, String path, String file) {
        String rel = path.startsWith("/") ? path.substring(1) : path;
        Path nested = mount.resolve(rel).resolve(file).normalize();
        if (nested.startsWith(mount) && Files.isReadable(nested)) {
            return nested;
        }
        Path top = mount.resolve(file);
        return Files.isReadable(top) ? top : null;
    }

    private static OptionalInt v2(Path cpuMax) {
        if (cpuMax == null) {
            return OptionalInt.empty();
        }
        try {
            String[] f = Files.readString(cpuMax).trim().split("\\s+");
            if (f[0].equals("max")) {
                return OptionalInt.empty();
            }
            return cpus(Long.parseLong(f[0]), f.length > 1 ? Long.parseLong(f[1]) : 100_000);
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt v1(Path quota, Path period) {
        try {
            long q = Long.parseLong(Files.readString(quota).trim());
            if (q <= 0) {
                return OptionalInt.empty(); // -1: no limit
            }
            return cpus(q, Long.parseLong(Files.readString(period).trim()));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt cpus(long quota, long period) {
        if (quota <= 0 || period <= 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.max(1, (quota + period - 1) / period));
    }
}

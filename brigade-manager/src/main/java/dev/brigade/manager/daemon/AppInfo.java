package dev.brigade.manager.daemon;

import java.util.List;

/**
 * An app as the daemon sees it now: what {@code ls}, {@code describe} and {@code --json} show.
 *
 * @param logError why the app's output cannot be written to its log files, or null
 * @param mode     {@code fork} or {@code cluster}
 * @param ports    cluster mode: the ports the workers share, as bound (a declared 0 resolved); else empty
 * @param archive  the app's class-data archive: its kind, size and file, "recording ...", or why there is none;
 *                 null from daemons that predate archives
 * @param standby  cluster mode: the standby worker (its pid and state, or why there is none); else null
 */
public record AppInfo(int id, String name, String mode, AppSpec spec, List<InstanceInfo> instances,
                      String logDir, String logError, List<Integer> ports, String archive, String standby) {

    /**
     * One process of an app.
     *
     * @param status    fork mode: {@code online}, {@code waiting-restart}, {@code stopping}, {@code stopped} or
     *                  {@code errored}; cluster mode: the worker's state ({@code starting}, {@code online},
     *                  {@code listening}, {@code disconnecting}; {@code wrong-port} when it serves another port than the
     *                  declared one), else {@code waiting-restart}, {@code stopped},
     *                  {@code errored}
     * @param pid       0 when no process runs
     * @param uptimeMs  since the current process started; 0 when none runs
     * @param cpuPercent over the last sampling second (100 = one core)
     * @param lastExit  how the last process ended ("exit code 1", "signal SIGKILL"), or null
     * @param lastLines its last lines of output (describe, and errored instances)
     * @param problem   why it does not serve although it runs (cluster mode: "bound 8080, not the declared port 24010"), or null
     * @param crashes   how many of its processes ended without being asked to (a stop, a reload or a memory
     *                  limit asks), since the app was started: what {@code start} watches for a boot failure
     */
    public record InstanceInfo(int instance, long pid, String status, long uptimeMs, int restarts,
                               double cpuPercent, long memoryBytes, String lastExit, String logFile,
                               List<String> lastLines, String problem, int crashes) {
    }
}

package dev.brigade.manager.daemon;

import java.io.IOException;

/** Test cleanup: ends the daemon of a home, politely (a Kill request) and then for sure (SIGKILL). */
final class KillDaemon {
    private KillDaemon() {
    }

    /** Sends Kill if the daemon answers, then SIGKILLs every process started as {@code daemon --home} this home. */
    static void of(Home home) throws IOException {
        try (DaemonClient c = DaemonClient.tryConnect(home)) {
            if (c != null) {
                c.send(new Request.Kill());
            }
        }
        ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> String.join(" ", a).contains("daemon --home " + home.dir())).orElse(false)).forEach(ProcessHandle::destroyForcibly);
    }
}

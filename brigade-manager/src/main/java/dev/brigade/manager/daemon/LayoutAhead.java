package dev.brigade.manager.daemon;

import dev.brigade.cluster.internal.ArchiveFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A new version of a cluster-mode app's Spring Boot jar, copied over it, extracted ahead of the reload that will run
 * it ({@link BootLayout}): once the jar has stayed the same for a sample (a second) and is a Spring Boot jar, on a
 * thread of its own. The layout's launcher then names the new version, and the cluster replaces its standby worker by
 * one of it (as for any jar whose bytes change); the reload extracts nothing. A plain jar needs none of this (the
 * standby follows it by itself); one that cannot be extracted now is left to the reload, which says why in the app's log.
 */
final class LayoutAhead {
    private volatile String made = "";  // the jar's size:time when its runnable jar was last made
    private volatile String changedTo;  // its size:time at the last sample, when that differed
    private final AtomicBoolean extracting = new AtomicBoolean();

    /** The app's runnable jar was made from {@code jar} as it is now (a start, a reload). */
    void made(String jar) {
        made = stampOf(jar);
    }

    /** Every second while the app runs (ClusterRun.sample). */
    void sample(Path jar, String app) {
        if (extracting.get()) {
            return;
        }
        String now = stampOf(jar.toString());
        if (now.equals(made) || now.startsWith("?")) {
            changedTo = null;
            return;
        }
        if (!now.equals(changedTo)) {
            changedTo = now; // changing: once more a second later
            return;
        }
        if (!BootLayout.isSpringBoot(jar) || !extracting.compareAndSet(false, true)) {
            made = now;
            return;
        }
        Thread.ofPlatform().daemon().name("brigade-extract-" + app).start(() -> {
            try {
                BootLayout.prepare(jar, Archives.layoutDir());
            } catch (IOException | RuntimeException e) {
                System.getLogger("dev.brigade.manager").log(System.Logger.Level.INFO, "the new version of " + jar
                        + " is not extracted ahead of the reload: " + e.getMessage() + " (the reload tries again, and says why)");
            } finally {
                made = now;
                extracting.set(false);
            }
        });
    }

    private static String stampOf(String jar) {
        return ArchiveFiles.stamp(List.of(jar));
    }
}

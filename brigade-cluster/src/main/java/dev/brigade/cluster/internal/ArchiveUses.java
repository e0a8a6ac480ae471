package dev.brigade.cluster.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's verdict on the archives {@link Archive} hands out: each process given one writes its cds/aot log to a
 * file of ours ({@code NAME.tmpPID-uN.log}, never the app's output); {@link #refused} reads them. A log that says
 * the archive was mapped, or that stayed empty for two minutes, is deleted unread the next time.
 */
final class ArchiveUses {
    /** An archive the JVM refused, and the JVM's first warning or error about it. */
    record Refusal(Path archive, String why) {
    }

    private final List<Path> logs = new ArrayList<>(); // guarded by the owning Archive

    /**
     * The flag that makes a process log its verdict on {@code archive}, in a file created owner-only here; none when the
     * path cannot be written in -Xlog or the file cannot be created.
     */
    List<String> flagFor(Path archive, int serial) {
        if (archive.toString().matches(".*[:,\\s\"].*")) {
            return List.of();
        }
        Path log = archive.resolveSibling(archive.getFileName() + ".tmp" + ProcessHandle.current().pid() + "-u" + serial + ".log");
        try {
            ArchiveFiles.createPrivate(log); // the JVM writes into it as it is: owner-only from its creation, not its umask's
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        logs.add(log);
        return List.of("-Xlog:aot=info,cds=info:file=" + log + "::filecount=0");
    }

    /** Reads the logs written so far: the archives refused since the last call. */
    List<Refusal> refused() {
        List<Refusal> out = new ArrayList<>();
        for (var it = logs.iterator(); it.hasNext(); ) {
            Path log = it.next();
            String text;
            try {
                text = Files.isRegularFile(log) ? Files.readString(log) : "";
            } catch (IOException | RuntimeException e) {
                text = "";
            }
            boolean rejected = text.contains("[error");
            if (rejected) {
                String n = log.getFileName().toString();
                String why = text.lines().filter(l -> l.contains("[warning") || l.contains("[error")).findFirst().orElse("")
                        .replaceFirst("^\\[[^]]*\\]\\[[^]]*\\]\\[[^]]*\\] ?", "");
                out.add(new Refusal(log.resolveSibling(n.substring(0, n.indexOf(".tmp"))), why.strip()));
            }
            if (rejected || text.contains("Mapped") || ageSeconds(log) > 120) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException e) {
                    // swept with the other temporary files
                }
                it.remove();
            }
        }
        return out;
    }

    private static long ageSeconds(Path p) {
        try {
            return (System.currentTimeMillis() - Files.getLastModifiedTime(p).toMillis()) / 1000;
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}

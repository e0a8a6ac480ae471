package dev.brigade.manager.cli;

import dev.brigade.manager.daemon.AppInfo;
import dev.brigade.manager.daemon.Listing;
import java.io.PrintStream;
import java.util.List;

/** How the manager's commands print apps: {@link Listing}'s formats, written to a stream. */
final class Formats {
    private Formats() {
    }

    /** The {@code ls} table: one row per instance. */
    static void table(PrintStream out, List<AppInfo> apps) {
        out.print(Listing.table(apps));
        out.flush();
    }

    static String duration(long ms) {
        return Listing.duration(ms);
    }

    static String bytes(long b) {
        return Listing.bytes(b);
    }
}

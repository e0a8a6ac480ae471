package dev.brigade.cluster.internal;

/** The app of {@link ArchiveTest}: says hello; with {@code wait}, then serves until its stdin closes. */
public final class ArchiveApp {
    private ArchiveApp() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("hello");
        System.out.flush();
        if (args.length > 0 && args[0].equals("wait")) {
            while (System.in.read() >= 0) {
                // until the test closes stdin
            }
        }
    }
}

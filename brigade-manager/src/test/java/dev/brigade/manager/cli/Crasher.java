package dev.brigade.manager.cli;

/** A Java app that fails at once: cluster mode's crash loop. */
public final class Crasher {
    private Crasher() {
    }

    public static void main(String[] args) {
        System.out.println("crasher going down");
        System.exit(3);
    }
}

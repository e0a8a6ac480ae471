package dev.brigade.cluster;

/** A worker main class whose {@link MissingDependency} the boot-error test leaves off the class path. */
public final class NeedsMissing {
    private NeedsMissing() {
    }

    public static void main(String[] args) {
        System.out.println(helper());
    }

    public static MissingDependency helper() {
        return new MissingDependency();
    }
}

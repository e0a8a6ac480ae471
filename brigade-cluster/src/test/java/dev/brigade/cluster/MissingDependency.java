package dev.brigade.cluster;

/** Left off the class path by the boot-error test: what a jar run without its dependencies looks like. */
public final class MissingDependency {
}

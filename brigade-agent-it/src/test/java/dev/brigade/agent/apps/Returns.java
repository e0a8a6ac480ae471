package dev.brigade.agent.apps;

/** An app whose main returns at once. */
public final class Returns {
    public static void main(String[] args) {
        System.out.println("main ran");
    }
}

package dev.brigade.examples.snippets;

import dev.brigade.store.SharedStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** README, "SharedStore": one API over an in-process, embedded or Redis store. */
public final class StoreSnippet {
    private StoreSnippet() {
    }

    /**
     * A session stored as JSON.
     *
     * @param user who is logged in
     */
    public record Session(String user) {
    }

    /**
     * Runs the calls against an in-process store.
     *
     * @param args none
     */
    public static void main(String[] args) {
        // README:begin
        try (SharedStore store = SharedStore.inProcess()) { // or open("redis://127.0.0.1:6379"), embedded(cluster)
            store.put("session:42", new Session("ada"), Duration.ofMinutes(30)).join();
            long hits = store.blocking().increment("hits:/home");
            CompletableFuture<String> deploy = new CompletableFuture<>();
            store.subscribe("deploys", String.class, deploy::complete).join();
            store.publish("deploys", "v2").join();
            System.out.println(store.blocking().get("session:42", Session.class).orElseThrow() + ", hits " + hits
                    + ", deploy " + deploy.join());
        }
        // README:end
    }
}

package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brigade.cluster.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract against the embedded backend as the primary itself uses it (no worker is forked). */
class EmbeddedPrimaryStoreTest extends SharedStoreContract {
    private static Cluster cluster;

    @BeforeAll
    static void startPrimary() {
        cluster = Cluster.create(StoreClusters.settings(0));
    }

    @AfterAll
    static void stopPrimary() {
        cluster.close();
    }

    @Override
    protected SharedStore open(StoreOptions options) {
        return SharedStore.embedded(cluster, options);
    }

    @Test
    void aSnapshot_restoredInANewPrimary_bringsBackValuesAndTtls(@TempDir Path dir) throws Exception {
        sync.put(p + "plain", "v");
        sync.put(p + "ttl", new Session("ada", 1, java.util.Map.of()), Duration.ofMinutes(5));
        sync.increment(p + "n", 41);
        sync.put(p + "gone", "x", Duration.ofMillis(1));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sync.get(p + "gone", String.class).isEmpty());
        Path file = dir.resolve("store.snapshot");
        assertThat(store.snapshotTo(file)).isGreaterThanOrEqualTo(3);
        try (Cluster next = Cluster.create(StoreClusters.settings(0)); SharedStore restored = SharedStore.embedded(next)) {
            assertThat(restored.blocking().get(p + "plain", String.class)).isEmpty();
            assertThat(restored.restoreFrom(file)).isGreaterThanOrEqualTo(3);
            assertThat(restored.blocking().get(p + "plain", String.class)).contains("v");
            assertThat(restored.blocking().get(p + "ttl", Session.class)).contains(new Session("ada", 1, java.util.Map.of()));
            assertThat(restored.blocking().ttl(p + "ttl")).hasValueSatisfying(t -> assertThat(t).isBetween(Duration.ofMinutes(4),
                    Duration.ofMinutes(5)));
            assertThat(restored.blocking().increment(p + "n")).isEqualTo(42);
            assertThat(restored.blocking().get(p + "gone", String.class)).isEmpty();
        }
        Files.writeString(file, "not a snapshot");
        assertThatThrownBy(() -> store.restoreFrom(file)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.BACKEND)).hasMessageContaining("not a store snapshot");
    }
}

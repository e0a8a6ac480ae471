package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Options are validated up front and name the option; the codec's pass-through and determinism. */
@Timeout(10)
class StoreOptionsTest {
    @Test
    void invalidOptions_nameTheOption() {
        StoreOptions d = StoreOptions.defaults();
        assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).hasMessageContaining("StoreOptions.timeout must be a positive duration");
        assertThatThrownBy(() -> d.withMaxValueBytes(0)).hasMessageContaining("StoreOptions.maxValueBytes must be positive, got 0");
        assertThatThrownBy(() -> d.withReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("StoreOptions.reconnectMax (PT1S) must not be below StoreOptions.reconnectMin (PT2S)");
        assertThatThrownBy(() -> d.withCodec(null)).hasMessageContaining("StoreOptions.codec");
    }

    @Test
    void open_choosesTheBackendByUrl() {
        try (SharedStore s = SharedStore.open("inprocess:")) {
            assertThat(s.describe()).isEqualTo("in-process");
            assertThat(s.options().timeout()).isEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void jsonCodec_encodesEqualMapsToEqualBytes_whateverTheirInsertionOrder() {
        JsonCodec codec = new JsonCodec();
        java.util.LinkedHashMap<String, Integer> ab = new java.util.LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", 2);
        java.util.LinkedHashMap<String, Integer> ba = new java.util.LinkedHashMap<>();
        ba.put("b", 2);
        ba.put("a", 1);
        assertThat(codec.encode(ab)).isEqualTo(codec.encode(ba));
        assertThat(codec.decode(codec.encode(Map.of("x", 1)), Map.class)).isEqualTo(Map.of("x", 1));
        assertThat(codec.decode("42".getBytes(), Long.class)).isEqualTo(42L);
    }

    @Test
    void aCustomCodec_isUsedForValues() {
        StoreCodec upper = new StoreCodec() {
            @Override
            public byte[] encode(Object value) {
                return value.toString().toUpperCase().getBytes();
            }

            @Override
            public <T> T decode(byte[] bytes, Class<T> type) {
                return type.cast(new String(bytes));
            }
        };
        try (SharedStore s = SharedStore.inProcess(StoreOptions.defaults().withCodec(upper))) {
            s.blocking().put("k", "shout");
            assertThat(s.blocking().get("k", String.class)).contains("SHOUT");
        }
    }
}

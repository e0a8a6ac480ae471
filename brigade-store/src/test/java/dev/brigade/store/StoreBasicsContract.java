package dev.brigade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The single-call half of the contract: what every backend must do, the same way: subclasses only say how to open a store. Keys carry
 * a fresh prefix per test, so tests sharing one Redis never see each other's keys. Pub/sub and
 * concurrency are in its subclass {@link SharedStoreContract}, which backends' tests extend.
 */
@Timeout(20)
abstract class StoreBasicsContract {
    /** A JSON value with a nested map, to check the default codec end to end. */
    public record Session(String user, int visits, Map<String, String> attributes) {
    }

    protected SharedStore store;
    protected BlockingStore sync;
    protected String p; // this test's key prefix

    /** Opens a store on the backend under test. */
    protected abstract SharedStore open(StoreOptions options);

    @BeforeEach
    void openStore() {
        store = open(StoreOptions.defaults().withMaxValueBytes(64 * 1024));
        sync = store.blocking();
        p = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void put_then_get_roundTripsARecordThroughJson() {
        Session s = new Session("ada", 3, Map.of("theme", "dark", "lang", "en"));
        sync.put(p + "s", s);
        assertThat(sync.get(p + "s", Session.class)).contains(s);
        assertThat(store.get(p + "s", Session.class).join()).contains(s);
    }

    @Test
    void get_ofAnAbsentKey_isEmpty() {
        assertThat(sync.get(p + "nothing", String.class)).isEmpty();
    }

    @Test
    void stringsAndBytes_passThroughUnchanged() {
        sync.put(p + "str", "héllo");
        assertThat(sync.get(p + "str", byte[].class)).hasValueSatisfying(
                b -> assertThat(b).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8)));
        sync.put(p + "bytes", new byte[] {0, -1, 42});
        assertThat(sync.get(p + "bytes", byte[].class).orElseThrow()).containsExactly(0, -1, 42);
    }

    @Test
    void delete_reportsWhetherTheKeyExisted() {
        sync.put(p + "k", "v");
        assertThat(sync.delete(p + "k")).isTrue();
        assertThat(sync.delete(p + "k")).isFalse();
        assertThat(sync.get(p + "k", String.class)).isEmpty();
    }

    @Test
    void putIfAbsent_setsOnlyTheFirstTime() {
        assertThat(sync.putIfAbsent(p + "k", "first")).isTrue();
        assertThat(sync.putIfAbsent(p + "k", "second")).isFalse();
        assertThat(sync.get(p + "k", String.class)).contains("first");
    }

    @Test
    void compareAndSet_swapsOnlyFromTheExpectedValue() {
        assertThat(sync.compareAndSet(p + "k", null, 1L)).as("absent expected, absent").isTrue();
        assertThat(sync.compareAndSet(p + "k", null, 2L)).as("absent expected, present").isFalse();
        assertThat(sync.compareAndSet(p + "k", 5L, 6L)).as("wrong expected").isFalse();
        assertThat(sync.compareAndSet(p + "k", 1L, 2L)).isTrue();
        assertThat(sync.get(p + "k", Long.class)).contains(2L);
        assertThat(sync.compareAndSet(p + "missing", 1L, 2L)).as("expected a value, absent").isFalse();
        assertThat(sync.get(p + "missing", Long.class)).isEmpty();
    }

    @Test
    void increment_countsFromZero_andReadsBackAsANumber() {
        assertThat(sync.increment(p + "c")).isEqualTo(1);
        assertThat(sync.increment(p + "c", 41)).isEqualTo(42);
        assertThat(sync.increment(p + "c", -2)).isEqualTo(40);
        assertThat(sync.get(p + "c", Long.class)).contains(40L);
        assertThat(sync.get(p + "c", String.class)).contains("40");
    }

    @Test
    void increment_ofANonInteger_failsWithNotAnInteger() {
        sync.put(p + "c", "twelve");
        assertThatThrownBy(() -> sync.increment(p + "c"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_AN_INTEGER))
                .hasMessageContaining("increment(\"" + p + "c\")");
        sync.put(p + "max", Long.toString(Long.MAX_VALUE));
        assertThatThrownBy(() -> sync.increment(p + "max")).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_AN_INTEGER));
    }

    @Test
    void ttl_isSetByPutAndExpire_keptByIncrement_clearedByPlainPut() {
        sync.put(p + "k", "v", Duration.ofMinutes(5));
        assertThat(sync.ttl(p + "k")).hasValueSatisfying(t -> assertThat(t).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5)));
        sync.put(p + "k", "v");
        assertThat(sync.ttl(p + "k")).isEmpty();
        assertThat(sync.expire(p + "k", Duration.ofMinutes(1))).isTrue();
        assertThat(sync.ttl(p + "k")).isPresent();
        assertThat(sync.expire(p + "absent", Duration.ofMinutes(1))).isFalse();
        sync.increment(p + "c");
        sync.expire(p + "c", Duration.ofMinutes(1));
        sync.increment(p + "c");
        assertThat(sync.ttl(p + "c")).as("increment keeps the TTL").isPresent();
    }

    @Test
    void aKeyWithAShortTtl_disappears() {
        sync.put(p + "k", "v", Duration.ofMillis(30));
        assertThat(sync.putIfAbsent(p + "k2", "v", Duration.ofMillis(30))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> sync.get(p + "k", String.class).isEmpty()
                && sync.get(p + "k2", String.class).isEmpty());
        assertThat(sync.keys(p)).isEmpty();
        assertThat(sync.putIfAbsent(p + "k", "again")).as("an expired key is absent").isTrue();
    }

    @Test
    void keys_byPrefix_takeGlobCharactersLiterally() {
        String weird = p + "a*[x]?\\";
        sync.put(weird + "1", 1);
        sync.put(weird + "2", 2);
        sync.put(p + "ab", 3);
        sync.put(p + "a*b", 4);
        assertThat(sync.keys(weird)).containsExactly(weird + "1", weird + "2");
        assertThat(sync.keys(p)).hasSize(4).isSorted();
        assertThat(sync.keys(p, 3)).hasSize(3);
        assertThat(sync.keys(p + "zzz")).isEmpty();
    }

    @Test
    void anOversizedValue_failsNamingTheKeyTheSizeAndTheLimit() {
        byte[] big = new byte[64 * 1024 + 1];
        assertThatThrownBy(() -> sync.put(p + "big", big)).isInstanceOfSatisfying(StoreException.class,
                        e -> assertThat(e.code()).isEqualTo(StoreException.Code.VALUE_TOO_LARGE))
                .hasMessageContaining("put(\"" + p + "big\")").hasMessageContaining("65537 bytes")
                .hasMessageContaining("limit of 65536 bytes");
        assertThat(sync.get(p + "big", byte[].class)).isEmpty();
        assertThatThrownBy(() -> sync.publish(p + "ch", big)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.VALUE_TOO_LARGE));
    }

    /** A type Jackson cannot write: no properties, no serializer. */
    public static final class Opaque {
    }

    @Test
    void typesTheCodecCannotHandle_failWithCodecNamingTheType() {
        assertThatThrownBy(() -> sync.put(p + "o", new Opaque())).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.CODEC)).hasMessageContaining(Opaque.class.getName());
        sync.put(p + "text", "not json");
        assertThatThrownBy(() -> sync.get(p + "text", Session.class)).isInstanceOfSatisfying(StoreException.class,
                        e -> assertThat(e.code()).isEqualTo(StoreException.Code.CODEC))
                .hasMessageContaining("get(\"" + p + "text\")").hasMessageContaining(Session.class.getName());
        assertThatThrownBy(() -> sync.get(p + "text", Runnable.class)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.CODEC));
    }

    @Test
    void invalidArguments_failUpFrontNamingTheArgument() {
        assertThatThrownBy(() -> sync.put("", "v")).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.INVALID_ARGUMENT)).hasMessageContaining("key must be");
        assertThatThrownBy(() -> sync.put(p + "k", "v", Duration.ZERO)).hasMessageContaining("ttl must be at least 1 ms");
        assertThatThrownBy(() -> sync.put(p + "k", null)).hasMessageContaining("value must not be null");
        assertThatThrownBy(() -> sync.keys(p, 0)).hasMessageContaining("limit must be positive");
    }

    @Test
    void aClosedStore_failsEveryCallWithClosed() {
        store.close();
        store.close();
        assertThatThrownBy(() -> sync.get(p + "k", String.class)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo(StoreException.Code.CLOSED));
        assertThat(store.put(p + "k", "v")).isCompletedExceptionally();
    }

    protected static Optional<StoreException.Code> codeOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StoreException se) {
                return Optional.of(se.code());
            }
        }
        return Optional.empty();
    }

}

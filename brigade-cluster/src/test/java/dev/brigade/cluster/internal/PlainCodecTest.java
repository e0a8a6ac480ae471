package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlainCodecTest {
    static final ObjectMapper JACKSON = new ObjectMapper();

    /** What Jackson makes of the value written as JSON: the semantics the default codec promises. */
    static Object viaJson(Object v) throws Exception {
        return JACKSON.readValue(JACKSON.writeValueAsBytes(v), Object.class);
    }

    @Test
    void plain_values_decode_exactly_as_through_json() throws Exception {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("s", "héllo ✓");
        nested.put("i", 42);
        nested.put("neg", -7L);
        nested.put("big", 1L << 40);
        nested.put("d", 0.1);
        nested.put("f", 0.1f);
        nested.put("short", (short) 3);
        nested.put("byte", (byte) -2);
        nested.put("t", true);
        nested.put("null", null);
        nested.put("list", List.of(1, "two", List.of(), Map.of()));
        for (Object v : Arrays.asList(null, "", "ping", 0, Integer.MIN_VALUE, Long.MAX_VALUE, 1.5, false, List.of(), nested,
                List.of(nested, nested))) {
            byte[] bytes = JsonCodec.INSTANCE.encode(v);
            assertThat(bytes[0]).as("compact form for %s", v).isEqualTo(PlainCodec.MARK);
            Object back = JsonCodec.INSTANCE.decode(bytes);
            assertThat(back).isEqualTo(viaJson(v));
            if (back != null) {
                assertThat(back.getClass()).isEqualTo(viaJson(v).getClass());
            }
        }
        assertThat(JsonCodec.INSTANCE.decode(JsonCodec.INSTANCE.encode(nested))).isInstanceOf(LinkedHashMap.class);
        assertThat(JsonCodec.INSTANCE.decode(JsonCodec.INSTANCE.encode(List.of(1)))).isInstanceOf(ArrayList.class);
    }

    record Point(int x, int y) {
    }

    @Test
    void other_objects_go_through_jackson_as_json_text() throws Exception {
        Map<Integer, String> intKeys = new HashMap<>(Map.of(1, "a"));
        for (Object v : List.of(new Point(1, 2), intKeys, Double.NaN, List.of(new Point(3, 4)), 'c', new int[] {1, 2})) {
            byte[] bytes = JsonCodec.INSTANCE.encode(v);
            assertThat(bytes[0]).as("JSON text for %s", v).isNotEqualTo(PlainCodec.MARK);
            assertThat(JsonCodec.INSTANCE.decode(bytes)).isEqualTo(viaJson(v));
        }
        assertThat(JsonCodec.INSTANCE.decode("{\"a\":[1,2]}".getBytes())).isEqualTo(Map.of("a", List.of(1, 2)));
    }

    @Test
    void malformed_compact_bytes_are_rejected_with_an_illegal_argument() {
        assertThatThrownBy(() -> PlainCodec.decode(new byte[] {0, 42})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown value tag 42");
        assertThatThrownBy(() -> PlainCodec.decode(new byte[] {0, 6, 5, 'a'})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overruns");
        assertThatThrownBy(() -> PlainCodec.decode(new byte[] {0, 7, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PlainCodec.decode(new byte[] {0, 0, 0})).hasMessageContaining("trailing");
        byte[] deep = new byte[2 + 2 * 400];
        for (int i = 1; i < deep.length - 1; i += 2) {
            deep[i] = 7; // a list of one list of one list ...
            deep[i + 1] = 1;
        }
        assertThatThrownBy(() -> PlainCodec.decode(deep)).hasMessageContaining("nested deeper");
        Random random = new Random(4);
        for (int i = 0; i < 20_000; i++) { // arbitrary bytes: an IllegalArgumentException or a value, nothing else
            byte[] b = new byte[random.nextInt(24)];
            random.nextBytes(b);
            if (b.length > 0) {
                b[0] = 0;
            }
            try {
                PlainCodec.decode(b);
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
    }
}
